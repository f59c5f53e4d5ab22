-- a materialized view with a unique and a plain index whose query changes (matview and indexes are recreated)
CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL,
    placed_on date NOT NULL,
    total numeric(10,2) NOT NULL
);

CREATE MATERIALIZED VIEW public.daily_sales AS
SELECT placed_on, sum(total) AS revenue
FROM public.orders
GROUP BY placed_on;

CREATE UNIQUE INDEX daily_sales_placed_on_idx ON public.daily_sales (placed_on);

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL,
    placed_on date NOT NULL,
    total numeric(10,2) NOT NULL
);

CREATE MATERIALIZED VIEW public.daily_sales AS
SELECT placed_on, customer_id, sum(total) AS revenue, count(*) AS orders
FROM public.orders
GROUP BY placed_on, customer_id;

CREATE UNIQUE INDEX daily_sales_placed_on_idx ON public.daily_sales (placed_on, customer_id);
CREATE INDEX daily_sales_revenue_idx ON public.daily_sales (revenue DESC);

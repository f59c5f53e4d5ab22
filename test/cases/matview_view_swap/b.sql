CREATE TABLE public.products (
    id integer PRIMARY KEY,
    category text NOT NULL,
    price numeric(10,2) NOT NULL
);

CREATE MATERIALIZED VIEW public.category_prices AS
SELECT category, avg(price) AS avg_price, count(*) AS n
FROM public.products
GROUP BY category;

CREATE UNIQUE INDEX category_prices_category_idx ON public.category_prices (category);

CREATE VIEW public.expensive_products AS
SELECT id, category, price FROM public.products WHERE price > 100;

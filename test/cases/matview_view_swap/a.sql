-- a view in A is a materialized view (with an index) in B and a materialized view in A is a plain view in B
CREATE TABLE public.products (
    id integer PRIMARY KEY,
    category text NOT NULL,
    price numeric(10,2) NOT NULL
);

CREATE VIEW public.category_prices AS
SELECT category, avg(price) AS avg_price, count(*) AS n
FROM public.products
GROUP BY category;

CREATE MATERIALIZED VIEW public.expensive_products AS
SELECT id, category, price FROM public.products WHERE price > 100;

CREATE INDEX expensive_products_category_idx ON public.expensive_products (category);

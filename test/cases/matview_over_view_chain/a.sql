-- a materialized view reads a view; the view gains a column and a view over the matview is added in B
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    country char(2) NOT NULL,
    signup_on date NOT NULL
);

CREATE VIEW public.active_customers AS
SELECT id, country FROM public.customers WHERE signup_on > DATE '2020-01-01';

CREATE MATERIALIZED VIEW public.customers_per_country AS
SELECT country, count(*) AS n FROM public.active_customers GROUP BY country
WITH NO DATA;

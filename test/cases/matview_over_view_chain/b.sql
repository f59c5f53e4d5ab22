CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    country char(2) NOT NULL,
    signup_on date NOT NULL
);

CREATE VIEW public.active_customers AS
SELECT id, country, signup_on FROM public.customers WHERE signup_on > DATE '2020-01-01';

CREATE MATERIALIZED VIEW public.customers_per_country AS
SELECT country, count(*) AS n, min(signup_on) AS first_signup
FROM public.active_customers GROUP BY country
WITH NO DATA;

CREATE VIEW public.top_countries AS
SELECT country, n FROM public.customers_per_country ORDER BY n DESC LIMIT 10;

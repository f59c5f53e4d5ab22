-- a view definition changes (new filter, join and an extra trailing column, compatible with CREATE OR REPLACE)
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    name text NOT NULL,
    country char(2) NOT NULL
);

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES public.customers (id),
    total numeric(10,2) NOT NULL
);

CREATE VIEW public.customer_revenue AS
SELECT c.id, c.name, sum(o.total) AS revenue
FROM public.customers c
JOIN public.orders o ON o.customer_id = c.id
GROUP BY c.id, c.name;

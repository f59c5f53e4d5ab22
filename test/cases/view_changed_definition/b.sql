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
SELECT c.id, c.name, coalesce(sum(o.total), 0) AS revenue, count(o.id) AS order_count
FROM public.customers c
LEFT JOIN public.orders o ON o.customer_id = c.id
WHERE c.country <> 'XX'
GROUP BY c.id, c.name;

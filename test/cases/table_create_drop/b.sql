CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE public.addresses (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES public.customers (id) ON DELETE CASCADE,
    line1 text NOT NULL,
    city text NOT NULL,
    country char(2) NOT NULL DEFAULT 'US',
    UNIQUE (customer_id, line1)
);

CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    first_name text NOT NULL,
    last_name text NOT NULL,
    full_name text
);

CREATE INDEX customers_full_name_idx ON public.customers (full_name);

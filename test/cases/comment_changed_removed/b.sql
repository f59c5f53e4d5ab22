CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    name text NOT NULL,
    email text
);

CREATE FUNCTION public.customer_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.customers $$;

CREATE PROCEDURE public.purge_customers() LANGUAGE sql AS $$ DELETE FROM public.customers $$;

COMMENT ON TABLE public.customers IS 'Customers (people and companies) who "buy" things; it''s the core table';
COMMENT ON COLUMN public.customers.email IS E'Primary email.\nMay be NULL for walk-in customers.';
COMMENT ON COLUMN public.customers.id IS 'Surrogate key';
COMMENT ON PROCEDURE public.purge_customers() IS 'Dangerous: deletes all customers';

-- comments are changed, removed and added (incl. quotes and a multi-line comment) on tables, columns, functions and a procedure
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    name text NOT NULL,
    email text
);

CREATE FUNCTION public.customer_count() RETURNS bigint LANGUAGE sql STABLE AS $$ SELECT count(*) FROM public.customers $$;

CREATE PROCEDURE public.purge_customers() LANGUAGE sql AS $$ DELETE FROM public.customers $$;

COMMENT ON TABLE public.customers IS 'People who buy things';
COMMENT ON COLUMN public.customers.name IS 'Full name';
COMMENT ON COLUMN public.customers.email IS 'Primary email';
COMMENT ON FUNCTION public.customer_count() IS 'How many customers';
COMMENT ON CONSTRAINT customers_pkey ON public.customers IS 'Surrogate key';

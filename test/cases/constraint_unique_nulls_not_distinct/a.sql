-- unique constraints: plain -> NULLS NOT DISTINCT, composite unique added, DEFERRABLE unique, one dropped
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    tax_id text,
    email text,
    external_ref text,
    CONSTRAINT customers_tax_id_key UNIQUE (tax_id),
    CONSTRAINT customers_external_ref_key UNIQUE (external_ref)
);

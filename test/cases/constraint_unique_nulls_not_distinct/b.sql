CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    tax_id text,
    email text,
    external_ref text,
    CONSTRAINT customers_tax_id_key UNIQUE NULLS NOT DISTINCT (tax_id),
    CONSTRAINT customers_email_tax_id_key UNIQUE (email, tax_id) DEFERRABLE INITIALLY DEFERRED
);

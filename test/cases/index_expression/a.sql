-- expression indexes: lower(email), a multi-expression index and a cast expression; one changes from lower to upper
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    email text NOT NULL,
    first_name text,
    last_name text,
    created_at timestamp NOT NULL
);

CREATE UNIQUE INDEX customers_email_lower_idx ON public.customers (lower(email));
CREATE INDEX customers_name_idx ON public.customers (lower(last_name));

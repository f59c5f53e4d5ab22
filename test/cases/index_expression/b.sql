CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    email text NOT NULL,
    first_name text,
    last_name text,
    created_at timestamp NOT NULL
);

CREATE UNIQUE INDEX customers_email_lower_idx ON public.customers (lower(email));
CREATE INDEX customers_name_idx ON public.customers (upper(last_name), upper(first_name));
CREATE INDEX customers_created_day_idx ON public.customers ((created_at::date));

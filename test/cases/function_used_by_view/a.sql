-- a view calls a function whose argument type changes (numeric -> integer), so view and function are rebuilt together
CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL,
    price_cents integer NOT NULL
);

CREATE FUNCTION public.to_currency(cents numeric) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(cents / 100.0, 'FM999999990.00') $$;

CREATE VIEW public.product_list AS
SELECT id, name, public.to_currency(price_cents) AS price
FROM public.products;

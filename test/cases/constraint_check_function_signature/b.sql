CREATE FUNCTION public.is_valid_sku(sku text, prefix_len integer) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT sku ~ ('^[A-Z]{' || prefix_len || '}-[0-9]{4}$') $$;

CREATE TABLE public.products (
    id integer PRIMARY KEY,
    sku text NOT NULL,
    CONSTRAINT products_sku_valid CHECK (public.is_valid_sku(sku, 3))
);

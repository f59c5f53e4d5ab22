-- a check constraint calls a function whose signature changes (one arg -> two args), so constraint and function are rebuilt
CREATE FUNCTION public.is_valid_sku(sku text) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT sku ~ '^[A-Z]{3}-[0-9]{4}$' $$;

CREATE TABLE public.products (
    id integer PRIMARY KEY,
    sku text NOT NULL,
    CONSTRAINT products_sku_valid CHECK (public.is_valid_sku(sku))
);

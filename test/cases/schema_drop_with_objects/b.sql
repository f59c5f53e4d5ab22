CREATE TABLE public.products (
    id integer PRIMARY KEY,
    sku text NOT NULL UNIQUE
);

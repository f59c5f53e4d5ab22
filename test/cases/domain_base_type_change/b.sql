CREATE DOMAIN public.sku AS varchar(20)
    CHECK (VALUE = upper(VALUE));

CREATE TABLE public.products (
    id integer PRIMARY KEY,
    sku public.sku NOT NULL UNIQUE
);

CREATE VIEW public.product_skus AS
SELECT id, sku FROM public.products;

-- a domain base type changes varchar(10) -> varchar(20), forcing the domain to be recreated under a column and a view
CREATE DOMAIN public.sku AS varchar(10)
    CHECK (VALUE = upper(VALUE));

CREATE TABLE public.products (
    id integer PRIMARY KEY,
    sku public.sku NOT NULL UNIQUE
);

CREATE VIEW public.product_skus AS
SELECT id, sku FROM public.products;

CREATE TABLE public.products (
    id integer PRIMARY KEY,
    sku text NOT NULL,
    name text COLLATE "C" NOT NULL,
    brand varchar(40) COLLATE "C"
);

CREATE INDEX products_sku_idx ON public.products (sku);

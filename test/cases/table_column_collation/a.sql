-- column collations change between default, "C" and "POSIX", including an indexed column
CREATE TABLE public.products (
    id integer PRIMARY KEY,
    sku text COLLATE "C" NOT NULL,
    name text NOT NULL,
    brand varchar(40) COLLATE "POSIX"
);

CREATE INDEX products_sku_idx ON public.products (sku);

CREATE SCHEMA ext;
CREATE EXTENSION hstore SCHEMA ext;

CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL,
    attributes ext.hstore
);

CREATE INDEX products_attributes_idx ON public.products USING gin (attributes);

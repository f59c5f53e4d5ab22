CREATE EXTENSION pg_trgm;

CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL,
    description text
);

CREATE INDEX products_name_idx ON public.products USING gin (name gin_trgm_ops);
CREATE INDEX products_description_trgm_idx ON public.products USING gist (description gist_trgm_ops);

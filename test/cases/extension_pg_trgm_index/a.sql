-- B adds pg_trgm and a trigram gin index plus a gist trigram index on another column
CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL,
    description text
);

CREATE INDEX products_name_idx ON public.products (name);

-- B creates hstore inside a dedicated schema "ext" and uses ext.hstore for a column with a gin index
CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL,
    attributes jsonb
);

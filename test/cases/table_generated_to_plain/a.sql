-- a stored generated column in A is an ordinary column of the same type in B (ALTER COLUMN ... DROP EXPRESSION one way)
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    first_name text NOT NULL,
    last_name text NOT NULL,
    full_name text GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED
);

CREATE INDEX customers_full_name_idx ON public.customers (full_name);

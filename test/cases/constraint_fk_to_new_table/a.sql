-- a kept table gains a foreign key to a table that only exists in B (the FK needs the new table first)
CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL,
    brand_id integer
);

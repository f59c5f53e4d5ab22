-- B adds columns of several types with modifiers, defaults and NOT NULL to an existing table
CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL
);

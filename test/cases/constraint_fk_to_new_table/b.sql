CREATE TABLE public.brands (
    id integer PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL,
    brand_id integer REFERENCES public.brands (id)
);

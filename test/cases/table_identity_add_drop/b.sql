CREATE TABLE public.suppliers (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE public.warehouses (
    id smallint NOT NULL PRIMARY KEY,
    name text NOT NULL
);

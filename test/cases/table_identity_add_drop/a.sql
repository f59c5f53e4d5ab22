-- a plain integer column becomes identity and an identity column becomes plain
CREATE TABLE public.suppliers (
    id integer NOT NULL PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE public.warehouses (
    id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);

-- INHERITS: a child gains its own column, a new child is added, and a standalone table becomes a child (declaring the merged columns and check)
CREATE TABLE public.vehicles (
    id integer NOT NULL,
    make text NOT NULL,
    CONSTRAINT vehicles_make_check CHECK (make <> '')
);

CREATE TABLE public.cars (
    doors smallint NOT NULL DEFAULT 4
) INHERITS (public.vehicles);

CREATE TABLE public.trucks (
    id integer NOT NULL,
    make text NOT NULL,
    payload_kg integer
);

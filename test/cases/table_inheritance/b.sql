CREATE TABLE public.vehicles (
    id integer NOT NULL,
    make text NOT NULL,
    CONSTRAINT vehicles_make_check CHECK (make <> '')
);

CREATE TABLE public.cars (
    doors smallint NOT NULL DEFAULT 4,
    electric boolean NOT NULL DEFAULT false
) INHERITS (public.vehicles);

CREATE TABLE public.trucks (
    id integer NOT NULL,
    make text NOT NULL,
    payload_kg integer,
    CONSTRAINT vehicles_make_check CHECK (make <> '')
) INHERITS (public.vehicles);

CREATE TABLE public.motorbikes (
    sidecar boolean NOT NULL DEFAULT false
) INHERITS (public.vehicles);

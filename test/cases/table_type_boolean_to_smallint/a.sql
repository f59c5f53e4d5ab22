-- a type change with no cast between the two types (boolean ↔ smallint): converted through integer, on rows that hold values
CREATE TABLE public.flags (
    id integer PRIMARY KEY,
    active boolean NOT NULL DEFAULT true,
    level smallint
);
INSERT INTO public.flags VALUES (1, true, 0), (2, false, 1);

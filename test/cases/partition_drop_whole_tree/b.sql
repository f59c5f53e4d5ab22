CREATE TABLE public.carriers (
    id integer PRIMARY KEY,
    name text NOT NULL
);

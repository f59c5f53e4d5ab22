CREATE TABLE public.flags (
    id integer PRIMARY KEY,
    active smallint NOT NULL DEFAULT 1,
    level boolean
);

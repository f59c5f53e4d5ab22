-- B creates a new enum used as an array column and keeps an existing enum; A has the array as text[]
CREATE TYPE public.weekday AS ENUM ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun');

CREATE TABLE public.stores (
    id integer PRIMARY KEY,
    open_days text[] NOT NULL DEFAULT '{}',
    closing_day public.weekday
);

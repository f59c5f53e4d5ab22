CREATE TYPE public.weekday AS ENUM ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun');
CREATE TYPE public.store_feature AS ENUM ('parking', 'pickup', 'cafe');

CREATE TABLE public.stores (
    id integer PRIMARY KEY,
    open_days public.weekday[] NOT NULL DEFAULT '{mon,tue,wed,thu,fri}',
    closing_day public.weekday,
    features public.store_feature[]
);

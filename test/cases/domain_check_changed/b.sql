CREATE DOMAIN public.percentage AS numeric(5,2)
    CONSTRAINT percentage_range CHECK (VALUE > 0 AND VALUE <= 90);

CREATE TABLE public.discounts (
    id integer PRIMARY KEY,
    rate public.percentage NOT NULL,
    max_rate public.percentage
);

-- a domain used by two columns has its CHECK constraint changed (same constraint name)
CREATE DOMAIN public.percentage AS numeric(5,2)
    CONSTRAINT percentage_range CHECK (VALUE >= 0 AND VALUE <= 100);

CREATE TABLE public.discounts (
    id integer PRIMARY KEY,
    rate public.percentage NOT NULL,
    max_rate public.percentage
);

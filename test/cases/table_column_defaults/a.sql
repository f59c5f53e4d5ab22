-- defaults change between constants, now(), expressions, nextval and a user function; defaults added and removed
CREATE SEQUENCE public.order_no_seq;

CREATE FUNCTION public.default_currency() RETURNS char(3)
    LANGUAGE sql STABLE
    AS $$ SELECT 'EUR'::char(3) $$;

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    order_no bigint,
    currency char(3) NOT NULL DEFAULT 'USD',
    created_at timestamptz NOT NULL DEFAULT now(),
    due_on date,
    note text DEFAULT 'n/a',
    discount numeric(5,2) DEFAULT 0
);

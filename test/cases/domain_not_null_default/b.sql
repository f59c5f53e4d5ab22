CREATE DOMAIN public.quantity AS integer
    NOT NULL
    DEFAULT 1
    CONSTRAINT quantity_positive CHECK (VALUE > 0)
    CONSTRAINT quantity_sane CHECK (VALUE < 10000);

CREATE TABLE public.order_lines (
    id integer PRIMARY KEY,
    qty public.quantity
);

CREATE FUNCTION public.double_qty(q public.quantity) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT q * 2 $$;

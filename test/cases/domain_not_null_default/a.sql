-- a domain gains NOT NULL and a DEFAULT and a second named CHECK; one is used in a function signature
CREATE DOMAIN public.quantity AS integer
    CONSTRAINT quantity_positive CHECK (VALUE > 0);

CREATE TABLE public.order_lines (
    id integer PRIMARY KEY,
    qty public.quantity
);

CREATE FUNCTION public.double_qty(q public.quantity) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT q * 2 $$;

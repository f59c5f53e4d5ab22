CREATE SEQUENCE public.order_no_seq;

CREATE FUNCTION public.default_currency() RETURNS char(3)
    LANGUAGE sql STABLE
    AS $$ SELECT 'EUR'::char(3) $$;

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    order_no bigint DEFAULT nextval('public.order_no_seq'),
    currency char(3) NOT NULL DEFAULT public.default_currency(),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    due_on date DEFAULT (CURRENT_DATE + 30),
    note text,
    discount numeric(5,2) DEFAULT 2.5
);

-- functions take and return the enum; the enum loses a value so the functions depend on a recreated type
CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'on_hold', 'shipped');

CREATE TABLE public.orders (
    id bigint PRIMARY KEY,
    status public.order_status NOT NULL
);

CREATE FUNCTION public.count_orders(s public.order_status) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT count(*) FROM public.orders WHERE status = s $$;

CREATE FUNCTION public.next_status(s public.order_status) RETURNS public.order_status
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF s = 'pending' THEN RETURN 'paid'; END IF;
    IF s = 'paid' THEN RETURN 'shipped'; END IF;
    RETURN s;
END
$$;

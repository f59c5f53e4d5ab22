CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL,
    total numeric(10,2) NOT NULL
);

CREATE FUNCTION public.order_total_cents(order_id integer) RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT (total * 100)::bigint FROM public.orders WHERE id = order_id $$;

CREATE FUNCTION public.customer_orders(cid integer) RETURNS SETOF integer
    LANGUAGE sql STABLE
    AS $$ SELECT id FROM public.orders WHERE customer_id = cid ORDER BY id $$;

CREATE FUNCTION public.top_orders(n integer) RETURNS TABLE (id integer, customer_id integer, total numeric)
    LANGUAGE sql STABLE
    AS $$ SELECT id, customer_id, total FROM public.orders ORDER BY total DESC LIMIT n $$;

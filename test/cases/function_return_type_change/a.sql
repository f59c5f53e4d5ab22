-- return types change: integer -> bigint, scalar -> SETOF, and a RETURNS TABLE gains a column (needs DROP + CREATE)
CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL,
    total numeric(10,2) NOT NULL
);

CREATE FUNCTION public.order_total_cents(order_id integer) RETURNS integer
    LANGUAGE sql STABLE
    AS $$ SELECT (total * 100)::integer FROM public.orders WHERE id = order_id $$;

CREATE FUNCTION public.customer_orders(cid integer) RETURNS integer
    LANGUAGE sql STABLE
    AS $$ SELECT min(id) FROM public.orders WHERE customer_id = cid $$;

CREATE FUNCTION public.top_orders(n integer) RETURNS TABLE (id integer, total numeric)
    LANGUAGE sql STABLE
    AS $$ SELECT id, total FROM public.orders ORDER BY total DESC LIMIT n $$;

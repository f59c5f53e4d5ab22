-- procedures: a SQL procedure body changes, a plpgsql procedure with INOUT is added and one is dropped
CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    status text NOT NULL DEFAULT 'open',
    closed_at timestamptz
);

CREATE PROCEDURE public.close_order(order_id integer)
    LANGUAGE sql
    AS $$ UPDATE public.orders SET status = 'closed' WHERE id = order_id $$;

CREATE PROCEDURE public.purge_closed()
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM public.orders WHERE status = 'closed';
END
$$;

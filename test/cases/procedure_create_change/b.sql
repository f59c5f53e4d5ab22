CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    status text NOT NULL DEFAULT 'open',
    closed_at timestamptz
);

CREATE PROCEDURE public.close_order(order_id integer)
    LANGUAGE sql
    AS $$ UPDATE public.orders SET status = 'closed', closed_at = now() WHERE id = order_id $$;

CREATE PROCEDURE public.count_open(INOUT n bigint DEFAULT NULL)
    LANGUAGE plpgsql
    SECURITY DEFINER
    SET search_path = public
    AS $$
BEGIN
    SELECT count(*) INTO n FROM orders WHERE status = 'open';
END
$$;

-- a function used by a column default and called from a trigger function; both bodies change
CREATE SEQUENCE public.order_ref_seq;

CREATE FUNCTION public.make_order_ref() RETURNS text
    LANGUAGE sql VOLATILE
    AS $$ SELECT 'ORD-' || nextval('public.order_ref_seq')::text $$;

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    ref text NOT NULL DEFAULT public.make_order_ref(),
    updated_at timestamptz
);

CREATE FUNCTION public.orders_before_write() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.ref IS NULL OR NEW.ref = '' THEN
        NEW.ref := public.make_order_ref();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER orders_before_write BEFORE INSERT OR UPDATE ON public.orders
    FOR EACH ROW EXECUTE FUNCTION public.orders_before_write();

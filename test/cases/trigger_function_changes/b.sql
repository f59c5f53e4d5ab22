CREATE TABLE public.stock_movements (
    id integer PRIMARY KEY,
    sku text NOT NULL,
    qty integer NOT NULL,
    note text
);

CREATE FUNCTION public.check_qty_limit() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.qty = 0 OR abs(NEW.qty) > TG_ARGV[0]::integer THEN
        RAISE EXCEPTION 'qty % outside limit %', NEW.qty, TG_ARGV[0];
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER stock_movements_check BEFORE INSERT OR UPDATE OF qty ON public.stock_movements
    FOR EACH ROW EXECUTE FUNCTION public.check_qty_limit('500');

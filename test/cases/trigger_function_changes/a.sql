-- the trigger function is replaced by a differently named function with arguments, and the old one is dropped
CREATE TABLE public.stock_movements (
    id integer PRIMARY KEY,
    sku text NOT NULL,
    qty integer NOT NULL,
    note text
);

CREATE FUNCTION public.check_qty() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.qty = 0 THEN
        RAISE EXCEPTION 'qty must not be zero';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER stock_movements_check BEFORE INSERT ON public.stock_movements
    FOR EACH ROW EXECUTE FUNCTION public.check_qty();

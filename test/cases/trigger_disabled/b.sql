CREATE TABLE public.audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    table_name text NOT NULL,
    op text NOT NULL,
    logged_at timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION public.log_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO public.audit_log (table_name, op) VALUES (TG_TABLE_NAME, TG_OP);
    IF TG_LEVEL = 'ROW' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RETURN NULL;
END
$$;

CREATE FUNCTION public.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    updated_at timestamptz
);

CREATE TRIGGER orders_audit AFTER INSERT OR UPDATE ON public.orders
    FOR EACH ROW EXECUTE FUNCTION public.log_change();

CREATE TRIGGER orders_touch BEFORE UPDATE ON public.orders
    FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

CREATE TRIGGER orders_audit_stmt AFTER DELETE ON public.orders
    FOR EACH STATEMENT EXECUTE FUNCTION public.log_change();

ALTER TABLE public.orders DISABLE TRIGGER orders_audit;
ALTER TABLE public.orders ENABLE ALWAYS TRIGGER orders_touch;

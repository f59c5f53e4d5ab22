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

CREATE TABLE public.prices (
    id integer PRIMARY KEY,
    sku text NOT NULL,
    amount numeric(10,2) NOT NULL,
    currency char(3) NOT NULL,
    updated_at timestamptz
);

CREATE TRIGGER prices_touch BEFORE UPDATE OF amount, currency ON public.prices
    FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

CREATE TRIGGER prices_audit AFTER UPDATE ON public.prices
    FOR EACH ROW
    WHEN (OLD.amount IS DISTINCT FROM NEW.amount OR OLD.currency IS DISTINCT FROM NEW.currency)
    EXECUTE FUNCTION public.log_change();

CREATE TRIGGER prices_bulk_audit AFTER UPDATE ON public.prices
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION public.log_change();

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

CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL,
    updated_at timestamptz
);

CREATE TRIGGER products_touch BEFORE INSERT OR UPDATE ON public.products
    FOR EACH ROW EXECUTE FUNCTION public.touch_updated_at();

CREATE TRIGGER products_audit AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.products
    FOR EACH STATEMENT EXECUTE FUNCTION public.log_change();

CREATE TRIGGER products_delete_log BEFORE DELETE ON public.products
    FOR EACH ROW EXECUTE FUNCTION public.log_change();

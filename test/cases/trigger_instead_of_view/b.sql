CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    first_name text NOT NULL,
    last_name text NOT NULL
);

CREATE VIEW public.customer_names AS
SELECT id, first_name || ' ' || last_name AS full_name, last_name
FROM public.customers;

CREATE FUNCTION public.customer_names_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO public.customers (id, first_name, last_name)
    VALUES (NEW.id, split_part(NEW.full_name, ' ', 1), coalesce(NEW.last_name, split_part(NEW.full_name, ' ', 2)));
    RETURN NEW;
END
$$;

CREATE FUNCTION public.customer_names_update() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    UPDATE public.customers SET last_name = NEW.last_name WHERE id = OLD.id;
    RETURN NEW;
END
$$;

CREATE TRIGGER customer_names_insert INSTEAD OF INSERT ON public.customer_names
    FOR EACH ROW EXECUTE FUNCTION public.customer_names_insert();

CREATE TRIGGER customer_names_update INSTEAD OF UPDATE ON public.customer_names
    FOR EACH ROW EXECUTE FUNCTION public.customer_names_update();

-- an INSTEAD OF trigger on a view makes it writable; B changes the view, the trigger function and adds an UPDATE trigger
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    first_name text NOT NULL,
    last_name text NOT NULL
);

CREATE VIEW public.customer_names AS
SELECT id, first_name || ' ' || last_name AS full_name
FROM public.customers;

CREATE FUNCTION public.customer_names_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO public.customers (id, first_name, last_name)
    VALUES (NEW.id, split_part(NEW.full_name, ' ', 1), split_part(NEW.full_name, ' ', 2));
    RETURN NEW;
END
$$;

CREATE TRIGGER customer_names_insert INSTEAD OF INSERT ON public.customer_names
    FOR EACH ROW EXECUTE FUNCTION public.customer_names_insert();

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    total numeric(10,2) NOT NULL
);

CREATE FUNCTION public.tax(amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT round(amount * 0.25, 2) $$;

CREATE FUNCTION public.order_band(total numeric) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF total >= 1000 THEN
        RETURN 'large';
    ELSIF total >= 100 THEN
        RETURN 'medium';
    END IF;
    RETURN 'small';
END
$$;

CREATE FUNCTION public.order_count() RETURNS bigint
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM public.orders WHERE total > 0;
END;

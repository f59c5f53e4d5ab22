-- SQL and plpgsql function bodies change (same signature), plus a SQL-standard BEGIN ATOMIC body that changes
CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    total numeric(10,2) NOT NULL
);

CREATE FUNCTION public.tax(amount numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT round(amount * 0.20, 2) $$;

CREATE FUNCTION public.order_band(total numeric) RETURNS text
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF total >= 1000 THEN
        RETURN 'large';
    END IF;
    RETURN 'small';
END
$$;

CREATE FUNCTION public.order_count() RETURNS bigint
    LANGUAGE sql STABLE
BEGIN ATOMIC
    SELECT count(*) FROM public.orders;
END;

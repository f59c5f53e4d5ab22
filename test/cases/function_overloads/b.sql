CREATE FUNCTION public.format_price(amount numeric) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(amount, 'FM999999990.00') $$;

CREATE FUNCTION public.format_price(amount numeric, currency text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT currency || ' ' || to_char(amount, 'FM999999990.00') $$;

CREATE FUNCTION public.format_price(amount bigint, currency text, decimals integer) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT currency || ' ' || round(amount / power(10, decimals)::numeric, decimals)::text $$;

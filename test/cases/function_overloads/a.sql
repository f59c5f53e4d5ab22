-- overloaded function names with different argument lists: one overload added, one removed, one body changed
CREATE FUNCTION public.format_price(amount numeric) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(amount, 'FM999999990.00') $$;

CREATE FUNCTION public.format_price(amount numeric, currency text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(amount, 'FM999999990.00') || ' ' || currency $$;

CREATE FUNCTION public.format_price(amount integer) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT amount::text || '.00' $$;

-- default argument values added and changed (removed in B->A), an unchanged OUT-parameter function, a VARIADIC function added
CREATE FUNCTION public.discounted(price numeric, pct numeric DEFAULT 10) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT round(price * (100 - pct) / 100, 2) $$;

CREATE FUNCTION public.page_offset(page integer, per_page integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT (page - 1) * per_page $$;

CREATE FUNCTION public.split_name(full_name text, OUT first_name text, OUT last_name text)
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT split_part(full_name, ' ', 1), split_part(full_name, ' ', 2) $$;

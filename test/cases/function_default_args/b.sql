CREATE FUNCTION public.discounted(price numeric, pct numeric DEFAULT 15) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT round(price * (100 - pct) / 100, 2) $$;

CREATE FUNCTION public.page_offset(page integer DEFAULT 1, per_page integer DEFAULT 50) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT (page - 1) * per_page $$;

CREATE FUNCTION public.split_name(full_name text, OUT first_name text, OUT last_name text)
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT split_part(full_name, ' ', 1), split_part(full_name, ' ', 2) $$;

CREATE FUNCTION public.sum_all(VARIADIC amounts numeric[]) RETURNS numeric
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT coalesce(sum(a), 0) FROM unnest(amounts) AS a $$;

-- the same function signature switches LANGUAGE sql -> plpgsql and a function moves to another schema
CREATE SCHEMA util;

CREATE FUNCTION public.clamp(v integer, lo integer, hi integer) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT greatest(lo, least(hi, v)) $$;

CREATE FUNCTION public.initials(name text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT string_agg(left(w, 1), '') FROM regexp_split_to_table(name, '\s+') AS w $$;

CREATE SCHEMA util;

CREATE FUNCTION public.clamp(v integer, lo integer, hi integer) RETURNS integer
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF v < lo THEN RETURN lo; END IF;
    IF v > hi THEN RETURN hi; END IF;
    RETURN v;
END
$$;

CREATE FUNCTION util.initials(name text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT string_agg(left(w, 1), '') FROM regexp_split_to_table(name, '\s+') AS w $$;

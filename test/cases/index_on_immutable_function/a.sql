-- an index expression uses an IMMUTABLE user function whose body changes (index must be rebuilt)
CREATE FUNCTION public.normalize_phone(p text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT regexp_replace(p, '[^0-9]', '', 'g') $$;

CREATE TABLE public.contacts (
    id integer PRIMARY KEY,
    phone text
);

CREATE INDEX contacts_phone_norm_idx ON public.contacts (public.normalize_phone(phone));

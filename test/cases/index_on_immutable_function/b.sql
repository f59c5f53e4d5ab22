CREATE FUNCTION public.normalize_phone(p text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT ltrim(regexp_replace(p, '[^0-9+]', '', 'g'), '0') $$;

CREATE TABLE public.contacts (
    id integer PRIMARY KEY,
    phone text
);

CREATE UNIQUE INDEX contacts_phone_norm_idx ON public.contacts (public.normalize_phone(phone)) WHERE phone IS NOT NULL;

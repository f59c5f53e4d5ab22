-- an enum loses a value while a domain over it has a check that names another of its values: the domain is swapped with the enum
CREATE TYPE public.status AS ENUM ('active', 'archived', 'deleted');
CREATE DOMAIN public.live_status AS public.status
    CONSTRAINT live_status_not_deleted CHECK (VALUE <> 'deleted'::public.status);
CREATE TABLE public.accounts (
    id integer PRIMARY KEY,
    status public.live_status NOT NULL DEFAULT 'active',
    previous public.status
);
INSERT INTO public.accounts VALUES (1, 'active', 'deleted'), (2, 'active', NULL);

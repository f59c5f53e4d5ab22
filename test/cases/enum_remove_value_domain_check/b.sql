CREATE TYPE public.status AS ENUM ('active', 'deleted');
CREATE DOMAIN public.live_status AS public.status
    CONSTRAINT live_status_not_deleted CHECK (VALUE <> 'deleted'::public.status);
CREATE TABLE public.accounts (
    id integer PRIMARY KEY,
    status public.live_status NOT NULL DEFAULT 'active',
    previous public.status
);

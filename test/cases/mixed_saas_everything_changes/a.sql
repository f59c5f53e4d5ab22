-- everything changes at once: table becomes partitioned (FK to it dropped), text+check -> enum column, table dropped, unlogged->logged, matview->view, function used by policy
CREATE EXTENSION citext;

CREATE TABLE public.tenants (
    id integer PRIMARY KEY,
    slug text NOT NULL UNIQUE
);

CREATE TABLE public.users (
    id integer PRIMARY KEY,
    tenant_id integer NOT NULL REFERENCES public.tenants (id),
    email citext NOT NULL,
    role text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'admin')),
    UNIQUE (tenant_id, email)
);

CREATE TABLE public.api_keys (
    id integer PRIMARY KEY,
    user_id integer NOT NULL REFERENCES public.users (id),
    key_hash text NOT NULL
);

CREATE UNLOGGED TABLE public.login_attempts (
    email citext NOT NULL,
    at timestamptz NOT NULL
);

CREATE MATERIALIZED VIEW public.users_per_tenant AS
SELECT tenant_id, count(*) AS n FROM public.users GROUP BY tenant_id;

CREATE INDEX users_per_tenant_idx ON public.users_per_tenant (tenant_id);

CREATE FUNCTION public.is_admin(uid integer) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT role = 'admin' FROM public.users WHERE id = uid $$;

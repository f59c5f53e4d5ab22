CREATE EXTENSION citext;

CREATE TYPE public.user_role AS ENUM ('member', 'admin', 'owner');

CREATE TABLE public.tenants (
    id integer NOT NULL,
    slug text NOT NULL,
    plan text NOT NULL DEFAULT 'free',
    PRIMARY KEY (id, plan),
    UNIQUE (slug, plan)
) PARTITION BY LIST (plan);

CREATE TABLE public.tenants_free PARTITION OF public.tenants FOR VALUES IN ('free');
CREATE TABLE public.tenants_paid PARTITION OF public.tenants DEFAULT;

CREATE TABLE public.users (
    id integer PRIMARY KEY,
    tenant_id integer NOT NULL,
    email citext NOT NULL,
    role public.user_role NOT NULL DEFAULT 'member',
    UNIQUE NULLS NOT DISTINCT (tenant_id, email)
);

CREATE TABLE public.login_attempts (
    email citext NOT NULL,
    at timestamptz NOT NULL,
    succeeded boolean NOT NULL DEFAULT false
);

CREATE INDEX login_attempts_email_at_idx ON public.login_attempts (email, at DESC);

CREATE VIEW public.users_per_tenant AS
SELECT tenant_id, count(*) AS n, count(*) FILTER (WHERE role = 'admin') AS admins
FROM public.users GROUP BY tenant_id;

CREATE FUNCTION public.is_admin(uid integer) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT role IN ('admin', 'owner') FROM public.users WHERE id = uid $$;

CREATE FUNCTION public.users_guard() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF OLD.role = 'owner' AND NEW.role <> 'owner' THEN
        RAISE EXCEPTION 'cannot demote owner';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER users_guard BEFORE UPDATE OF role ON public.users
    FOR EACH ROW EXECUTE FUNCTION public.users_guard();

ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;
CREATE POLICY users_self ON public.users USING (public.is_admin(id) OR email::text = current_user);

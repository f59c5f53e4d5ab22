DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE FUNCTION public.current_tenant() RETURNS integer
    LANGUAGE sql STABLE
    AS $$ SELECT coalesce(nullif(current_setting('app.tenant_id', true), '')::integer, -1) $$;

CREATE TABLE public.invoices (
    id integer PRIMARY KEY,
    tenant_id integer NOT NULL
);

ALTER TABLE public.invoices ENABLE ROW LEVEL SECURITY;

CREATE POLICY invoices_tenant ON public.invoices TO app_reader
    USING (tenant_id = public.current_tenant())
    WITH CHECK (tenant_id = public.current_tenant());

DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    tenant_id integer NOT NULL,
    owner_name text NOT NULL,
    status text NOT NULL DEFAULT 'open'
);

ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;

CREATE POLICY orders_read ON public.orders FOR SELECT TO app_reader, app_writer
    USING (tenant_id = current_setting('app.tenant_id')::integer);

CREATE POLICY orders_insert ON public.orders AS PERMISSIVE FOR INSERT TO app_writer
    WITH CHECK (owner_name = current_user);

CREATE POLICY orders_update ON public.orders FOR UPDATE TO app_writer
    USING (owner_name = current_user)
    WITH CHECK (status <> 'archived');

CREATE POLICY orders_delete ON public.orders FOR DELETE TO app_writer
    USING (status = 'open');

CREATE POLICY orders_tenant_guard ON public.orders AS RESTRICTIVE FOR ALL TO PUBLIC
    USING (tenant_id > 0);

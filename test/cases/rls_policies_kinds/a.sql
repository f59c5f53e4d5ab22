-- policies of every kind: PERMISSIVE/RESTRICTIVE, FOR SELECT/INSERT/UPDATE/DELETE/ALL, USING and WITH CHECK, TO roles
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    tenant_id integer NOT NULL,
    owner_name text NOT NULL,
    status text NOT NULL DEFAULT 'open'
);

ALTER TABLE public.orders ENABLE ROW LEVEL SECURITY;

CREATE POLICY orders_read ON public.orders FOR SELECT TO app_reader
    USING (tenant_id = current_setting('app.tenant_id')::integer);

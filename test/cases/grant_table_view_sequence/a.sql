-- grants on tables, a view and a sequence to roles: added, widened, narrowed and revoked; a column-level grant
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE TABLE public.products (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL,
    cost numeric(10,2)
);

CREATE SEQUENCE public.sku_seq;

CREATE VIEW public.product_names AS SELECT id, name FROM public.products;

GRANT SELECT ON public.products TO app_reader;
GRANT SELECT, INSERT, UPDATE, DELETE ON public.products TO app_writer;
GRANT USAGE ON SEQUENCE public.sku_seq TO app_writer;

DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE TABLE public.documents (
    id integer PRIMARY KEY,
    owner_name text NOT NULL,
    published boolean NOT NULL DEFAULT false
);

ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;

CREATE POLICY documents_visible ON public.documents FOR SELECT TO app_reader, app_writer
    USING (published OR owner_name = current_user);

CREATE POLICY documents_owner ON public.documents AS RESTRICTIVE FOR ALL TO app_writer
    USING (owner_name = current_user);

-- an existing policy changes expression, roles, and a permissive policy is replaced by a restrictive one of the same name
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE TABLE public.documents (
    id integer PRIMARY KEY,
    owner_name text NOT NULL,
    published boolean NOT NULL DEFAULT false
);

ALTER TABLE public.documents ENABLE ROW LEVEL SECURITY;

CREATE POLICY documents_visible ON public.documents FOR SELECT TO app_reader
    USING (published);

CREATE POLICY documents_owner ON public.documents AS PERMISSIVE FOR ALL TO app_writer
    USING (owner_name = current_user)
    WITH CHECK (owner_name = current_user);

-- row level security ENABLE and FORCE toggled on two tables, with one simple policy
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE TABLE public.accounts (
    id integer PRIMARY KEY,
    owner_name text NOT NULL DEFAULT current_user
);

CREATE TABLE public.notes (
    id integer PRIMARY KEY,
    owner_name text NOT NULL
);

ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.notes FORCE ROW LEVEL SECURITY;

CREATE POLICY notes_owner ON public.notes USING (owner_name = current_user);

-- privileges on schema public for roles plus table privileges for PUBLIC and less common privileges added in B
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE TABLE public.countries (
    code char(2) PRIMARY KEY,
    name text NOT NULL
);

DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE TABLE public.countries (
    code char(2) PRIMARY KEY,
    name text NOT NULL
);

GRANT CREATE ON SCHEMA public TO app_writer;
GRANT USAGE ON SCHEMA public TO app_reader;
GRANT SELECT ON public.countries TO PUBLIC;
GRANT TRUNCATE, REFERENCES, TRIGGER ON public.countries TO app_writer;

DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE SCHEMA api;

CREATE TYPE api.rating AS ENUM ('bad', 'ok', 'good');

CREATE FUNCTION api.rate(r api.rating) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT array_position(enum_range(NULL::api.rating), r) $$;

REVOKE EXECUTE ON FUNCTION api.rate(api.rating) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.rate(api.rating) TO app_reader;
GRANT USAGE, CREATE ON SCHEMA api TO app_writer;
GRANT USAGE ON SCHEMA api TO app_reader;
REVOKE USAGE ON TYPE api.rating FROM PUBLIC;
GRANT USAGE ON TYPE api.rating TO app_reader;

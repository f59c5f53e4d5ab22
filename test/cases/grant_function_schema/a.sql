-- EXECUTE revoked from PUBLIC and granted to a role, USAGE/CREATE on a schema, grants on a type
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE SCHEMA api;

CREATE TYPE api.rating AS ENUM ('bad', 'ok', 'good');

CREATE FUNCTION api.rate(r api.rating) RETURNS integer
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT array_position(enum_range(NULL::api.rating), r) $$;

GRANT USAGE ON SCHEMA api TO app_reader;

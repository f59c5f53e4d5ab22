CREATE SCHEMA app;

CREATE TABLE app.settings (
    key text PRIMARY KEY,
    value text NOT NULL
);

CREATE FUNCTION app.get_setting(k text) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = app, pg_temp
    AS $$ SELECT value FROM settings WHERE key = k $$;

CREATE FUNCTION app.slugify(s text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 5
    SET statement_timeout = '5s'
    AS $$ SELECT lower(regexp_replace(s, '[^a-zA-Z0-9]+', '-', 'g')) $$;

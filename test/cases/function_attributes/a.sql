-- function attributes change: SECURITY DEFINER, SET search_path, volatility, STRICT, PARALLEL SAFE, COST and a SET parameter
CREATE SCHEMA app;

CREATE TABLE app.settings (
    key text PRIMARY KEY,
    value text NOT NULL
);

CREATE FUNCTION app.get_setting(k text) RETURNS text
    LANGUAGE sql VOLATILE
    AS $$ SELECT value FROM app.settings WHERE key = k $$;

CREATE FUNCTION app.slugify(s text) RETURNS text
    LANGUAGE sql
    AS $$ SELECT lower(regexp_replace(s, '[^a-zA-Z0-9]+', '-', 'g')) $$;

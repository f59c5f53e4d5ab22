-- A has schema "legacy" with a table, enum, function, view and sequence that B drops entirely
CREATE TABLE public.products (
    id integer PRIMARY KEY,
    sku text NOT NULL UNIQUE
);

CREATE SCHEMA legacy;

CREATE TYPE legacy.import_state AS ENUM ('queued', 'done', 'failed');

CREATE SEQUENCE legacy.import_batch_seq;

CREATE TABLE legacy.product_imports (
    id integer PRIMARY KEY,
    batch integer NOT NULL DEFAULT nextval('legacy.import_batch_seq'),
    product_id integer REFERENCES public.products (id) ON DELETE CASCADE,
    state legacy.import_state NOT NULL DEFAULT 'queued'
);

CREATE FUNCTION legacy.failed_count() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$ SELECT count(*) FROM legacy.product_imports WHERE state = 'failed' $$;

CREATE VIEW legacy.pending_imports AS
SELECT id, product_id FROM legacy.product_imports WHERE state = 'queued';

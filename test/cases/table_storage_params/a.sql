-- table storage parameters (fillfactor, autovacuum) and column statistics target/storage change
CREATE TABLE public.audit_log (
    id bigint PRIMARY KEY,
    payload text,
    logged_at timestamptz NOT NULL
) WITH (fillfactor = 90);

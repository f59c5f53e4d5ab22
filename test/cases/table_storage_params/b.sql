CREATE TABLE public.audit_log (
    id bigint PRIMARY KEY,
    payload text,
    logged_at timestamptz NOT NULL
) WITH (fillfactor = 70, autovacuum_vacuum_scale_factor = 0.05);

ALTER TABLE public.audit_log ALTER COLUMN payload SET STORAGE EXTERNAL;
ALTER TABLE public.audit_log ALTER COLUMN logged_at SET STATISTICS 500;

-- B builds parent indexes with CREATE INDEX ON ONLY and ALTER INDEX ATTACH PARTITION of partition indexes with their own names (plain and unique)
CREATE TABLE public.metrics (
    id bigint NOT NULL,
    recorded_on date NOT NULL,
    name text NOT NULL
) PARTITION BY RANGE (recorded_on);

CREATE TABLE public.metrics_2024 PARTITION OF public.metrics
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.metrics_2025 PARTITION OF public.metrics
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE TABLE public.logs (
    id bigint NOT NULL,
    logged_on date NOT NULL,
    level text NOT NULL,
    message text
) PARTITION BY RANGE (logged_on);

CREATE TABLE public.logs_2024 PARTITION OF public.logs
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

CREATE TABLE public.logs_2025 (
    level text NOT NULL,
    message text,
    logged_on date NOT NULL,
    id bigint NOT NULL
) PARTITION BY LIST (level);

CREATE TABLE public.logs_2025_error PARTITION OF public.logs_2025 FOR VALUES IN ('error');
CREATE TABLE public.logs_2025_rest PARTITION OF public.logs_2025 DEFAULT;

ALTER TABLE public.logs ATTACH PARTITION public.logs_2025
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

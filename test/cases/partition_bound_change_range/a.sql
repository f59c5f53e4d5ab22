-- RANGE bounds move: two adjacent partitions shift their shared boundary and a bounded partition becomes the default
CREATE TABLE public.quotas (
    id bigint NOT NULL,
    period_start date NOT NULL,
    amount integer NOT NULL
) PARTITION BY RANGE (period_start);

CREATE TABLE public.quotas_h1 PARTITION OF public.quotas
    FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');
CREATE TABLE public.quotas_h2 PARTITION OF public.quotas
    FOR VALUES FROM ('2024-07-01') TO ('2025-01-01');
CREATE TABLE public.quotas_rest PARTITION OF public.quotas
    FOR VALUES FROM ('2025-01-01') TO ('2030-01-01');

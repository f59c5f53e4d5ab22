CREATE TABLE public.quotas (
    id bigint NOT NULL,
    period_start date NOT NULL,
    amount integer NOT NULL
) PARTITION BY RANGE (period_start);

CREATE TABLE public.quotas_h1 PARTITION OF public.quotas
    FOR VALUES FROM ('2024-01-01') TO ('2024-04-01');
CREATE TABLE public.quotas_h2 PARTITION OF public.quotas
    FOR VALUES FROM ('2024-04-01') TO ('2025-01-01');
CREATE TABLE public.quotas_rest PARTITION OF public.quotas DEFAULT;

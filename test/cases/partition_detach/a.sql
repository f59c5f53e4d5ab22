-- a partition attached in A is a standalone table with the same columns in B (detached), keeping its own index
CREATE TABLE public.events (
    id bigint NOT NULL,
    happened_at timestamptz NOT NULL,
    kind text NOT NULL
) PARTITION BY RANGE (happened_at);

CREATE TABLE public.events_2023 PARTITION OF public.events
    FOR VALUES FROM ('2023-01-01 00:00:00+00') TO ('2024-01-01 00:00:00+00');

CREATE TABLE public.events_2024 PARTITION OF public.events
    FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');

CREATE INDEX events_2023_kind_idx ON public.events_2023 (kind);

CREATE TABLE public.events (
    id bigint,
    kind text,
    happened_on date NOT NULL
) PARTITION BY RANGE (happened_on);

CREATE TABLE public.events_2024 PARTITION OF public.events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.events_2025 PARTITION OF public.events
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

ALTER TABLE public.events_2024 ALTER COLUMN kind SET NOT NULL;

CREATE TABLE public.visits (
    id bigint,
    visited_on date NOT NULL
) PARTITION BY RANGE (visited_on);

CREATE TABLE public.visits_2024 PARTITION OF public.visits
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

-- indexes on a two-level tree: B drops a parent index, adds an expression one, and adds an index on the sub-partitioned partition only
CREATE TABLE public.calls (
    id bigint NOT NULL,
    called_on date NOT NULL,
    kind text NOT NULL,
    caller text
) PARTITION BY RANGE (called_on);

CREATE TABLE public.calls_2024 PARTITION OF public.calls
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    PARTITION BY LIST (kind);
CREATE TABLE public.calls_2024_voice PARTITION OF public.calls_2024 FOR VALUES IN ('voice');
CREATE TABLE public.calls_2024_video PARTITION OF public.calls_2024 FOR VALUES IN ('video');
CREATE TABLE public.calls_2025 PARTITION OF public.calls
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE INDEX calls_kind_idx ON public.calls (kind);

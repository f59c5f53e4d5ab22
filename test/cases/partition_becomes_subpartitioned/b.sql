CREATE TABLE public.visits (
    id bigint NOT NULL,
    user_id bigint NOT NULL,
    visited_on date NOT NULL
) PARTITION BY RANGE (visited_on);

CREATE TABLE public.visits_2024 PARTITION OF public.visits
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    PARTITION BY HASH (user_id);
CREATE TABLE public.visits_2024_h0 PARTITION OF public.visits_2024 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.visits_2024_h1 PARTITION OF public.visits_2024 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
CREATE TABLE public.visits_2025 PARTITION OF public.visits
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE INDEX visits_user_id_idx ON public.visits (user_id);

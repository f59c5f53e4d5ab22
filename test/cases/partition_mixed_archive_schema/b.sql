CREATE SCHEMA archive;

CREATE TABLE public.events (
    id bigint NOT NULL,
    happened_on date NOT NULL,
    payload jsonb,
    PRIMARY KEY (id, happened_on)
) PARTITION BY RANGE (happened_on);

CREATE TABLE archive.events_2022 (
    id bigint NOT NULL,
    happened_on date NOT NULL,
    payload jsonb
);
CREATE TABLE archive.events_2023 PARTITION OF public.events
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE archive.events_2024 PARTITION OF public.events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.events_2025 PARTITION OF public.events
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

COMMENT ON TABLE archive.events_2022 IS 'read only';
CREATE INDEX events_2022_happened_on_idx ON archive.events_2022 (happened_on);

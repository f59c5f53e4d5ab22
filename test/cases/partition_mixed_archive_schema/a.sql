-- mixed, across schemas: a partition living in another schema than its parent is detached there, a partition moves schema, a new one is added, and the parent gains a PK
CREATE SCHEMA archive;

CREATE TABLE public.events (
    id bigint NOT NULL,
    happened_on date NOT NULL,
    payload jsonb
) PARTITION BY RANGE (happened_on);

CREATE TABLE archive.events_2022 PARTITION OF public.events
    FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE archive.events_2023 PARTITION OF public.events
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE public.events_2024 PARTITION OF public.events
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

COMMENT ON TABLE archive.events_2022 IS 'read only';

-- partitions whose columns differ from the parent where PostgreSQL allows it: own default, dropped default, extra NOT NULL; the parent gains an identity (a partition's own identity is refused from PostgreSQL 17 on)
CREATE TABLE public.tasks (
    id integer NOT NULL,
    created_on date NOT NULL,
    title text,
    priority integer DEFAULT 3
) PARTITION BY RANGE (created_on);

CREATE TABLE public.tasks_2024 PARTITION OF public.tasks
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.tasks_2025 PARTITION OF public.tasks
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE TABLE public.tasks (
    id integer GENERATED ALWAYS AS IDENTITY,
    created_on date NOT NULL,
    title text,
    priority integer DEFAULT 3
) PARTITION BY RANGE (created_on);

CREATE TABLE public.tasks_2024 PARTITION OF public.tasks (
    title WITH OPTIONS NOT NULL,
    priority WITH OPTIONS DEFAULT 1
) FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.tasks_2025 PARTITION OF public.tasks
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

ALTER TABLE public.tasks_2025 ALTER COLUMN priority DROP DEFAULT;

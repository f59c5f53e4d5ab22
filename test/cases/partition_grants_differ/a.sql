-- grants on partitions that differ from their parent's: a partition loses the parent's grant, another gains table and column grants the parent does not have
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE TABLE public.entries (
    id bigint NOT NULL,
    entered_on date NOT NULL,
    note text
) PARTITION BY RANGE (entered_on);

CREATE TABLE public.entries_2023 PARTITION OF public.entries
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE public.entries_2024 PARTITION OF public.entries
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

GRANT SELECT ON public.entries TO app_reader;
GRANT SELECT ON public.entries_2023 TO app_reader;
GRANT SELECT ON public.entries_2024 TO app_reader;

CREATE TABLE public.metrics (
    id bigint NOT NULL,
    recorded_on date NOT NULL,
    name text NOT NULL
) PARTITION BY RANGE (recorded_on);

CREATE TABLE public.metrics_2024 PARTITION OF public.metrics
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.metrics_2025 PARTITION OF public.metrics
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE INDEX metrics_name_idx ON ONLY public.metrics (name);
CREATE INDEX metrics_2024_by_name ON public.metrics_2024 (name);
CREATE INDEX metrics_2025_by_name ON public.metrics_2025 (name);
ALTER INDEX public.metrics_name_idx ATTACH PARTITION public.metrics_2024_by_name;
ALTER INDEX public.metrics_name_idx ATTACH PARTITION public.metrics_2025_by_name;

CREATE UNIQUE INDEX metrics_id_recorded_on_key ON ONLY public.metrics (id, recorded_on);
CREATE UNIQUE INDEX metrics_2024_id_uniq ON public.metrics_2024 (id, recorded_on);
CREATE UNIQUE INDEX metrics_2025_id_uniq ON public.metrics_2025 (id, recorded_on);
ALTER INDEX public.metrics_id_recorded_on_key ATTACH PARTITION public.metrics_2024_id_uniq;
ALTER INDEX public.metrics_id_recorded_on_key ATTACH PARTITION public.metrics_2025_id_uniq;

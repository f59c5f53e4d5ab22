-- indexes and a unique constraint on a partitioned parent (propagated to partitions); B adds/changes them
CREATE TABLE public.page_views (
    id bigint NOT NULL,
    viewed_on date NOT NULL,
    path text NOT NULL,
    user_id integer
) PARTITION BY RANGE (viewed_on);

CREATE TABLE public.page_views_2024 PARTITION OF public.page_views
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

CREATE INDEX page_views_path_idx ON public.page_views (path);

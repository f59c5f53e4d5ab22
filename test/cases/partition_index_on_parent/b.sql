CREATE TABLE public.page_views (
    id bigint NOT NULL,
    viewed_on date NOT NULL,
    path text NOT NULL,
    user_id integer,
    CONSTRAINT page_views_id_viewed_on_key UNIQUE (id, viewed_on)
) PARTITION BY RANGE (viewed_on);

CREATE TABLE public.page_views_2024 PARTITION OF public.page_views
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

CREATE INDEX page_views_path_idx ON public.page_views (lower(path));
CREATE INDEX page_views_user_id_idx ON public.page_views (user_id) WHERE user_id IS NOT NULL;

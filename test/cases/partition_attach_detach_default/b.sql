CREATE TABLE public.jobs (
    id bigint NOT NULL,
    state text NOT NULL,
    payload jsonb
) PARTITION BY LIST (state);

CREATE TABLE public.jobs_open PARTITION OF public.jobs FOR VALUES IN ('open', 'running');

CREATE TABLE public.jobs_other (
    id bigint NOT NULL,
    state text NOT NULL,
    payload jsonb
);

CREATE TABLE public.jobs_archive (
    id bigint NOT NULL,
    state text NOT NULL,
    payload jsonb
);

ALTER TABLE public.jobs ATTACH PARTITION public.jobs_archive DEFAULT;

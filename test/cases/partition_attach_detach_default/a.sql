-- two tables present on both sides swap roles: the default partition of A is standalone in B, and a standalone table of A is the default partition of B
CREATE TABLE public.jobs (
    id bigint NOT NULL,
    state text NOT NULL,
    payload jsonb
) PARTITION BY LIST (state);

CREATE TABLE public.jobs_open PARTITION OF public.jobs FOR VALUES IN ('open', 'running');
CREATE TABLE public.jobs_other PARTITION OF public.jobs DEFAULT;

CREATE TABLE public.jobs_archive (
    id bigint NOT NULL,
    state text NOT NULL,
    payload jsonb
);

-- mixed: a regular table with an FK becomes LIST partitioned; a RANGE table loses and gains partitions and gets a default, a parent index, a trigger, comments, RLS and a grant on one partition
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_writer') THEN CREATE ROLE app_writer; END IF; END $$;

CREATE FUNCTION public.reject_negative() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN IF NEW.value < 0 THEN RAISE EXCEPTION 'negative'; END IF; RETURN NEW; END $$;

CREATE TABLE public.devices (
    id integer PRIMARY KEY,
    label text NOT NULL
);

CREATE TABLE public.events (
    id bigint NOT NULL,
    kind text NOT NULL,
    device_id integer NOT NULL REFERENCES public.devices (id),
    happened_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, kind)
);
CREATE INDEX events_device_id_idx ON public.events (device_id);

CREATE TABLE public.metrics (
    id bigint NOT NULL,
    recorded_on date NOT NULL,
    device_id integer NOT NULL,
    value double precision NOT NULL,
    PRIMARY KEY (id, recorded_on)
) PARTITION BY RANGE (recorded_on);

CREATE TABLE public.metrics_2023 PARTITION OF public.metrics
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE public.metrics_2024 PARTITION OF public.metrics
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

GRANT SELECT ON public.metrics TO app_reader;
COMMENT ON TABLE public.metrics IS 'device metrics by day';

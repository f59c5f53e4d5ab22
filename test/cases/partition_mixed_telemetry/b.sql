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
) PARTITION BY LIST (kind);
CREATE INDEX events_device_id_idx ON public.events (device_id);

CREATE TABLE public.events_click PARTITION OF public.events FOR VALUES IN ('click');
CREATE TABLE public.events_view PARTITION OF public.events FOR VALUES IN ('view', 'impression');
CREATE TABLE public.events_other PARTITION OF public.events DEFAULT;

CREATE TABLE public.metrics (
    id bigint NOT NULL,
    recorded_on date NOT NULL,
    device_id integer NOT NULL,
    value double precision NOT NULL,
    PRIMARY KEY (id, recorded_on)
) PARTITION BY RANGE (recorded_on);

CREATE TABLE public.metrics_2024 PARTITION OF public.metrics
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.metrics_2025 PARTITION OF public.metrics
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE public.metrics_other PARTITION OF public.metrics DEFAULT;

CREATE INDEX metrics_device_id_recorded_on_idx ON public.metrics (device_id, recorded_on DESC);

CREATE TRIGGER metrics_reject_negative BEFORE INSERT OR UPDATE ON public.metrics
    FOR EACH ROW EXECUTE FUNCTION public.reject_negative();

ALTER TABLE public.metrics_2024 ENABLE ROW LEVEL SECURITY;
CREATE POLICY metrics_2024_recent ON public.metrics_2024 FOR SELECT
    USING (recorded_on >= '2024-06-01');

GRANT SELECT ON public.metrics TO app_reader;
GRANT SELECT, INSERT ON public.metrics_2025 TO app_writer;
COMMENT ON TABLE public.metrics IS 'device metrics by day';
COMMENT ON TABLE public.metrics_other IS 'metrics outside the yearly partitions';
COMMENT ON INDEX public.metrics_device_id_recorded_on_idx IS 'latest metrics of a device';

-- a parent without any key: in B one partition has a local PRIMARY KEY and another a local UNIQUE constraint and a unique index
CREATE TABLE public.devices (
    id bigint NOT NULL,
    serial text,
    kind text NOT NULL
) PARTITION BY LIST (kind);

CREATE TABLE public.devices_phone PARTITION OF public.devices FOR VALUES IN ('phone');
CREATE TABLE public.devices_tablet PARTITION OF public.devices FOR VALUES IN ('tablet');

CREATE TABLE public.devices (
    id bigint NOT NULL,
    serial text,
    kind text NOT NULL
) PARTITION BY LIST (kind);

CREATE TABLE public.devices_phone PARTITION OF public.devices FOR VALUES IN ('phone');
ALTER TABLE public.devices_phone ADD PRIMARY KEY (id);
CREATE TABLE public.devices_tablet PARTITION OF public.devices (
    CONSTRAINT devices_tablet_serial_key UNIQUE (serial)
) FOR VALUES IN ('tablet');

CREATE UNIQUE INDEX devices_tablet_id_idx ON public.devices_tablet (id);

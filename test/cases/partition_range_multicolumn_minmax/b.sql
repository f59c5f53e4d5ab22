CREATE TABLE public.readings (
    sensor_id integer NOT NULL,
    taken_on date NOT NULL,
    value double precision
) PARTITION BY RANGE (sensor_id, taken_on);

CREATE TABLE public.readings_100_2024 PARTITION OF public.readings
    FOR VALUES FROM (100, '2024-01-01') TO (100, '2025-01-01');

CREATE TABLE public.readings_100_2025 PARTITION OF public.readings
    FOR VALUES FROM (100, '2025-01-01') TO (100, '2026-01-01');

CREATE TABLE public.readings_high PARTITION OF public.readings
    FOR VALUES FROM (101, MINVALUE) TO (MAXVALUE, MAXVALUE);

-- RANGE partitioning on two columns with MINVALUE/MAXVALUE bounds: B drops the open-ended low partition and adds a bounded one and an open-ended high one
CREATE TABLE public.readings (
    sensor_id integer NOT NULL,
    taken_on date NOT NULL,
    value double precision
) PARTITION BY RANGE (sensor_id, taken_on);

CREATE TABLE public.readings_low PARTITION OF public.readings
    FOR VALUES FROM (MINVALUE, MINVALUE) TO (100, MINVALUE);

CREATE TABLE public.readings_100_2024 PARTITION OF public.readings
    FOR VALUES FROM (100, '2024-01-01') TO (100, '2025-01-01');

-- RANGE partitioned table: B adds a partition, drops one and adds a default partition
CREATE TABLE public.measurements (
    id bigint NOT NULL,
    taken_on date NOT NULL,
    value numeric(10,3),
    PRIMARY KEY (id, taken_on)
) PARTITION BY RANGE (taken_on);

CREATE TABLE public.measurements_2023 PARTITION OF public.measurements
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');

CREATE TABLE public.measurements_2024 PARTITION OF public.measurements
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

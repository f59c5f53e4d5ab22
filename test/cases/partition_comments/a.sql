-- comments on partitions, a partition's column, a partitioned (parent) index and the partition index attached to it: added, changed and removed
CREATE TABLE public.trips (
    id bigint NOT NULL,
    started_on date NOT NULL,
    driver text
) PARTITION BY RANGE (started_on);

CREATE TABLE public.trips_2024 PARTITION OF public.trips
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.trips_rest PARTITION OF public.trips DEFAULT;

CREATE INDEX trips_driver_idx ON public.trips (driver);

COMMENT ON TABLE public.trips_rest IS 'anything outside the yearly partitions';
COMMENT ON INDEX public.trips_2024_driver_idx IS 'cloned from trips_driver_idx';

CREATE TABLE public.trips (
    id bigint NOT NULL,
    started_on date NOT NULL,
    driver text
) PARTITION BY RANGE (started_on);

CREATE TABLE public.trips_2024 PARTITION OF public.trips
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.trips_rest PARTITION OF public.trips DEFAULT;

CREATE INDEX trips_driver_idx ON public.trips (driver);

COMMENT ON TABLE public.trips_2024 IS 'trips of 2024';
COMMENT ON TABLE public.trips_rest IS 'trips outside the yearly partitions';
COMMENT ON COLUMN public.trips_2024.driver IS 'driver of a 2024 trip';
COMMENT ON INDEX public.trips_driver_idx IS 'partitioned index on driver';
COMMENT ON INDEX public.trips_rest_driver_idx IS 'default partition''s driver index';

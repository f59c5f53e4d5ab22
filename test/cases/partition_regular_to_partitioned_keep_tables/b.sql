CREATE TABLE public.bookings (
    id bigint NOT NULL,
    booked_on date NOT NULL,
    guest text,
    PRIMARY KEY (id, booked_on)
) PARTITION BY RANGE (booked_on);
CREATE INDEX bookings_guest_idx ON public.bookings (guest);

CREATE TABLE public.bookings_2023 PARTITION OF public.bookings
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE public.bookings_2024 PARTITION OF public.bookings
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

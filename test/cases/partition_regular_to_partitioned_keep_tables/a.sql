-- a regular table and two standalone tables in A; in B the first is a partitioned table and the two others (same names, keys, indexes) are its partitions
CREATE TABLE public.bookings (
    id bigint NOT NULL,
    booked_on date NOT NULL,
    guest text,
    PRIMARY KEY (id, booked_on)
);
CREATE INDEX bookings_guest_idx ON public.bookings (guest);

CREATE TABLE public.bookings_2023 (
    id bigint NOT NULL,
    booked_on date NOT NULL,
    guest text,
    PRIMARY KEY (id, booked_on)
);
CREATE INDEX bookings_2023_guest_idx ON public.bookings_2023 (guest);

CREATE TABLE public.bookings_2024 (
    id bigint NOT NULL,
    booked_on date NOT NULL,
    guest text,
    PRIMARY KEY (id, booked_on)
);
CREATE INDEX bookings_2024_guest_idx ON public.bookings_2024 (guest);

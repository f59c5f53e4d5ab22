CREATE TABLE public.room_bookings (
    id integer PRIMARY KEY,
    room text NOT NULL,
    during tsrange NOT NULL,
    cancelled boolean NOT NULL DEFAULT false,
    CONSTRAINT room_bookings_no_overlap EXCLUDE USING gist (during WITH &&) WHERE (NOT cancelled)
);

CREATE TABLE public.delivery_zones (
    id integer PRIMARY KEY,
    area circle NOT NULL,
    bounds box NOT NULL,
    CONSTRAINT delivery_zones_bounds_excl EXCLUDE USING gist (bounds WITH &&) DEFERRABLE
);

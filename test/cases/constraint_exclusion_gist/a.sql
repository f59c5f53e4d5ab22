-- exclusion constraints with gist on tsrange and circle using &&; B changes one and adds one on box with a WHERE
CREATE TABLE public.room_bookings (
    id integer PRIMARY KEY,
    room text NOT NULL,
    during tsrange NOT NULL,
    CONSTRAINT room_bookings_no_overlap EXCLUDE USING gist (during WITH &&)
);

CREATE TABLE public.delivery_zones (
    id integer PRIMARY KEY,
    area circle NOT NULL,
    CONSTRAINT delivery_zones_area_excl EXCLUDE USING gist (area WITH &&)
);

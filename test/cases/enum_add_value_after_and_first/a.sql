-- enum gains one value after an existing one and one before the first value
CREATE TYPE public.shipment_state AS ENUM ('packed', 'in_transit', 'delivered');

CREATE TABLE public.shipments (
    id integer PRIMARY KEY,
    state public.shipment_state
);

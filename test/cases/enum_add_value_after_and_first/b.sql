CREATE TYPE public.shipment_state AS ENUM ('created', 'packed', 'in_transit', 'out_for_delivery', 'delivered');

CREATE TABLE public.shipments (
    id integer PRIMARY KEY,
    state public.shipment_state
);

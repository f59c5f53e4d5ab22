CREATE TABLE public.shipments (
    id integer PRIMARY KEY,
    carrier text NOT NULL,
    tracking_no text,
    shipped_on date NOT NULL,
    weight_kg numeric(8,3)
);

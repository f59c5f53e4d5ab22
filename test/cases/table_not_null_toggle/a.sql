-- NOT NULL is added on some columns and removed from others
CREATE TABLE public.shipments (
    id integer PRIMARY KEY,
    carrier text,
    tracking_no text NOT NULL,
    shipped_on date,
    weight_kg numeric(8,3) NOT NULL
);

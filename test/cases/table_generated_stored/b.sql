CREATE TABLE public.order_lines (
    id integer PRIMARY KEY,
    qty integer NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    tax_rate numeric(4,3) NOT NULL DEFAULT 0.2,
    line_total numeric(12,2) GENERATED ALWAYS AS (round(qty * unit_price * (1 + tax_rate), 2)) STORED,
    tax_amount numeric(12,2) GENERATED ALWAYS AS (round(qty * unit_price * tax_rate, 2)) STORED
);

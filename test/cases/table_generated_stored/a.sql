-- a stored generated column whose expression changes (drop + add in PG15) and a new generated column after it
CREATE TABLE public.order_lines (
    id integer PRIMARY KEY,
    qty integer NOT NULL,
    unit_price numeric(10,2) NOT NULL,
    tax_rate numeric(4,3) NOT NULL DEFAULT 0.2,
    line_total numeric(12,2) GENERATED ALWAYS AS (qty * unit_price) STORED
);

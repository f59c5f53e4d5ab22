-- B drops a view in public and creates one in a reporting schema that joins tables from two schemas
CREATE SCHEMA inventory;

CREATE TABLE inventory.items (
    id integer PRIMARY KEY,
    sku text NOT NULL,
    on_hand integer NOT NULL DEFAULT 0
);

CREATE TABLE public.order_lines (
    id integer PRIMARY KEY,
    sku text NOT NULL,
    qty integer NOT NULL
);

CREATE VIEW public.stock_levels AS
SELECT sku, on_hand FROM inventory.items;

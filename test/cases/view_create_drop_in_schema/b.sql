CREATE SCHEMA inventory;
CREATE SCHEMA reporting;

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

CREATE VIEW reporting.stock_vs_demand AS
SELECT i.sku, i.on_hand, coalesce(sum(l.qty), 0) AS demand
FROM inventory.items i
LEFT JOIN public.order_lines l ON l.sku = i.sku
GROUP BY i.sku, i.on_hand;

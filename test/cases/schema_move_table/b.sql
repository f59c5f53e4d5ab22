CREATE SCHEMA archive;

CREATE TABLE archive.old_orders (
    id serial PRIMARY KEY,
    placed_at timestamptz NOT NULL,
    total numeric(10,2)
);

CREATE INDEX old_orders_placed_at_idx ON archive.old_orders (placed_at);

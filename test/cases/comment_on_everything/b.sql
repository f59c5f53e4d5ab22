CREATE SCHEMA shop;

CREATE TYPE shop.order_status AS ENUM ('new', 'paid');

CREATE DOMAIN shop.positive_amount AS numeric(10,2) CONSTRAINT positive_amount_check CHECK (VALUE > 0);

CREATE SEQUENCE shop.order_no_seq;

CREATE TABLE shop.orders (
    id integer PRIMARY KEY,
    order_no bigint NOT NULL DEFAULT nextval('shop.order_no_seq'),
    status shop.order_status NOT NULL DEFAULT 'new',
    total shop.positive_amount NOT NULL,
    updated_at timestamptz,
    CONSTRAINT orders_order_no_key UNIQUE (order_no)
);

CREATE INDEX orders_status_idx ON shop.orders (status);

CREATE VIEW shop.paid_orders AS SELECT id, total FROM shop.orders WHERE status = 'paid';

CREATE MATERIALIZED VIEW shop.order_stats AS SELECT status, count(*) AS n FROM shop.orders GROUP BY status;

CREATE FUNCTION shop.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;

CREATE TRIGGER orders_touch BEFORE UPDATE ON shop.orders FOR EACH ROW EXECUTE FUNCTION shop.touch();

ALTER TABLE shop.orders ENABLE ROW LEVEL SECURITY;

CREATE POLICY orders_all ON shop.orders USING (true);

COMMENT ON SCHEMA shop IS 'Online shop';
COMMENT ON TYPE shop.order_status IS 'Lifecycle of an order';
COMMENT ON DOMAIN shop.positive_amount IS 'Money amount greater than zero';
COMMENT ON CONSTRAINT positive_amount_check ON DOMAIN shop.positive_amount IS 'Amounts must be positive';
COMMENT ON SEQUENCE shop.order_no_seq IS 'Human facing order numbers';
COMMENT ON TABLE shop.orders IS 'Customer orders';
COMMENT ON COLUMN shop.orders.total IS 'Order total incl. tax';
COMMENT ON COLUMN shop.orders.status IS 'Current status';
COMMENT ON CONSTRAINT orders_order_no_key ON shop.orders IS 'Order numbers are unique';
COMMENT ON INDEX shop.orders_status_idx IS 'Speeds up status filters';
COMMENT ON VIEW shop.paid_orders IS 'Orders that have been paid';
COMMENT ON COLUMN shop.paid_orders.total IS 'Paid total';
COMMENT ON MATERIALIZED VIEW shop.order_stats IS 'Counts per status, refreshed nightly';
COMMENT ON FUNCTION shop.touch() IS 'Sets updated_at';
COMMENT ON TRIGGER orders_touch ON shop.orders IS 'Keeps updated_at current';
COMMENT ON POLICY orders_all ON shop.orders IS 'Everyone sees every order (for now)';

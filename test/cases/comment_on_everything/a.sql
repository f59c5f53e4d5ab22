-- A has no comments; B comments on schema, type, domain, sequence, table, column, constraint, index, view, matview, function, trigger, policy
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

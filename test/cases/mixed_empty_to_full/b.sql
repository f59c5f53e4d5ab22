CREATE SCHEMA ext;
CREATE EXTENSION citext SCHEMA ext;
CREATE EXTENSION pg_trgm;

CREATE SCHEMA shop;
COMMENT ON SCHEMA shop IS 'Online shop';

CREATE TYPE shop.order_status AS ENUM ('new', 'paid', 'shipped', 'cancelled');
COMMENT ON TYPE shop.order_status IS 'Order lifecycle';

CREATE DOMAIN shop.email AS ext.citext
    CONSTRAINT email_check CHECK (position('@' in VALUE::text) > 1);

CREATE DOMAIN shop.amount AS numeric(12,2)
    NOT NULL
    DEFAULT 0
    CONSTRAINT amount_check CHECK (VALUE >= 0);

CREATE SEQUENCE shop.invoice_no_seq AS integer START WITH 1000 INCREMENT BY 1 CACHE 10;
COMMENT ON SEQUENCE shop.invoice_no_seq IS 'Invoice numbers';

CREATE FUNCTION shop.normalize_sku(s text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT
    AS $$ SELECT upper(btrim(s)) $$;

CREATE FUNCTION shop.default_region() RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT 'eu'::text $$;

CREATE TABLE shop.customers (
    id bigint GENERATED ALWAYS AS IDENTITY (START WITH 100) PRIMARY KEY,
    email shop.email NOT NULL,
    name varchar(100) NOT NULL,
    name_sort text COLLATE "C",
    region text NOT NULL DEFAULT shop.default_region(),
    tags text[] NOT NULL DEFAULT '{}',
    created_at timestamptz(3) NOT NULL DEFAULT now(),
    CONSTRAINT customers_email_key UNIQUE NULLS NOT DISTINCT (email)
);
COMMENT ON TABLE shop.customers IS 'People who buy things';
COMMENT ON COLUMN shop.customers.email IS 'Login email, case-insensitive';

CREATE TABLE shop.products (
    id serial PRIMARY KEY,
    sku text NOT NULL,
    name text NOT NULL,
    price shop.amount,
    flags bit(8) NOT NULL DEFAULT B'00000000',
    attrs jsonb,
    CONSTRAINT products_sku_check CHECK (sku = shop.normalize_sku(sku))
);

CREATE UNIQUE INDEX products_sku_idx ON shop.products (shop.normalize_sku(sku));
CREATE INDEX products_name_trgm_idx ON shop.products USING gin (name gin_trgm_ops);
CREATE INDEX products_attrs_idx ON shop.products USING gin (attrs jsonb_path_ops);
COMMENT ON INDEX shop.products_sku_idx IS 'One product per normalized SKU';

CREATE TABLE shop.orders (
    id bigint NOT NULL,
    placed_on date NOT NULL,
    customer_id bigint NOT NULL REFERENCES shop.customers (id) ON DELETE RESTRICT,
    status shop.order_status NOT NULL DEFAULT 'new',
    total shop.amount,
    PRIMARY KEY (id, placed_on)
) PARTITION BY RANGE (placed_on);

CREATE TABLE shop.orders_2024 PARTITION OF shop.orders FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE shop.orders_default PARTITION OF shop.orders DEFAULT;
CREATE INDEX orders_customer_idx ON shop.orders (customer_id, placed_on DESC);

CREATE TABLE shop.order_lines (
    order_id bigint NOT NULL,
    placed_on date NOT NULL,
    line_no smallint NOT NULL,
    product_id integer NOT NULL REFERENCES shop.products (id),
    qty integer NOT NULL CHECK (qty > 0),
    unit_price numeric(10,2) NOT NULL,
    line_total numeric(12,2) GENERATED ALWAYS AS (qty * unit_price) STORED,
    PRIMARY KEY (order_id, placed_on, line_no),
    FOREIGN KEY (order_id, placed_on) REFERENCES shop.orders (id, placed_on) ON DELETE CASCADE
);
CREATE INDEX order_lines_product_idx ON shop.order_lines (product_id) INCLUDE (qty);

CREATE TABLE shop.invoices (
    id integer PRIMARY KEY,
    invoice_no integer NOT NULL DEFAULT nextval('shop.invoice_no_seq') UNIQUE,
    customer_id bigint NOT NULL REFERENCES shop.customers (id) DEFERRABLE INITIALLY DEFERRED,
    issued_at timestamptz NOT NULL,
    due_in interval day to second
);
ALTER SEQUENCE shop.invoice_no_seq OWNED BY shop.invoices.invoice_no;
CREATE INDEX invoices_issued_brin ON shop.invoices USING brin (issued_at);

CREATE TABLE shop.pickup_slots (
    id integer PRIMARY KEY,
    during tsrange NOT NULL,
    CONSTRAINT pickup_slots_no_overlap EXCLUDE USING gist (during WITH &&)
);

CREATE TABLE shop.events (
    id bigint NOT NULL,
    kind text NOT NULL,
    at timestamptz NOT NULL
);

CREATE TABLE shop.order_events (
    order_id bigint NOT NULL
) INHERITS (shop.events);

CREATE UNLOGGED TABLE shop.cart_cache (
    customer_id bigint PRIMARY KEY,
    payload jsonb NOT NULL
);

CREATE VIEW shop.customer_orders AS
SELECT c.id AS customer_id, c.name, count(o.id) AS orders, sum(o.total) AS spent
FROM shop.customers c
LEFT JOIN shop.orders o ON o.customer_id = c.id
GROUP BY c.id, c.name;
COMMENT ON VIEW shop.customer_orders IS 'Order counts per customer';

CREATE VIEW shop.big_spenders WITH (security_barrier) AS
SELECT customer_id, name, spent FROM shop.customer_orders WHERE spent > 1000;

CREATE MATERIALIZED VIEW shop.product_sales AS
SELECT p.id AS product_id, p.sku, coalesce(sum(l.qty), 0) AS sold
FROM shop.products p
LEFT JOIN shop.order_lines l ON l.product_id = p.id
GROUP BY p.id, p.sku;
CREATE UNIQUE INDEX product_sales_product_idx ON shop.product_sales (product_id);

CREATE FUNCTION shop.touch_event() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.at := coalesce(NEW.at, now());
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION shop.touch_event() IS 'Fills in the event time';

CREATE TRIGGER order_events_touch BEFORE INSERT ON shop.order_events
    FOR EACH ROW EXECUTE FUNCTION shop.touch_event();
COMMENT ON TRIGGER order_events_touch ON shop.order_events IS 'Defaults event time';

CREATE FUNCTION shop.log_status_change() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = shop, pg_temp
    AS $$
BEGIN
    INSERT INTO order_events (id, kind, at, order_id) VALUES (NEW.id, 'status:' || NEW.status, now(), NEW.id);
    RETURN NULL;
END
$$;

CREATE TRIGGER orders_status_log AFTER UPDATE OF status ON shop.orders_2024
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION shop.log_status_change();

CREATE TRIGGER orders_status_log_stmt AFTER TRUNCATE ON shop.orders_2024
    FOR EACH STATEMENT EXECUTE FUNCTION shop.log_status_change();
ALTER TABLE shop.orders_2024 DISABLE TRIGGER orders_status_log_stmt;

CREATE FUNCTION shop.customer_orders_insert() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'customer_orders is read-only';
END
$$;

CREATE TRIGGER customer_orders_insert INSTEAD OF INSERT ON shop.customer_orders
    FOR EACH ROW EXECUTE FUNCTION shop.customer_orders_insert();

CREATE PROCEDURE shop.cancel_order(p_id bigint)
    LANGUAGE sql
    AS $$ UPDATE shop.orders SET status = 'cancelled' WHERE id = p_id $$;

CREATE FUNCTION shop.order_total(p_id bigint, p_with_tax boolean DEFAULT false) RETURNS numeric
    LANGUAGE sql STABLE
    AS $$ SELECT sum(line_total) * CASE WHEN p_with_tax THEN 1.2 ELSE 1 END FROM shop.order_lines WHERE order_id = p_id $$;

ALTER TABLE shop.customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY customers_region ON shop.customers AS PERMISSIVE FOR SELECT TO PUBLIC
    USING (region = current_setting('shop.region', true));
CREATE POLICY customers_no_delete ON shop.customers AS RESTRICTIVE FOR DELETE TO PUBLIC
    USING (false);
COMMENT ON POLICY customers_region ON shop.customers IS 'Region isolation';

GRANT USAGE ON SCHEMA shop TO PUBLIC;
GRANT SELECT ON shop.products TO PUBLIC;
GRANT SELECT ON shop.customer_orders TO PUBLIC;
REVOKE EXECUTE ON FUNCTION shop.order_total(bigint, boolean) FROM PUBLIC;

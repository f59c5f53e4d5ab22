DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;

CREATE SCHEMA billing;

CREATE TYPE billing.invoice_state AS ENUM ('draft', 'open', 'paid', 'void');

CREATE SEQUENCE billing.invoice_seq START WITH 5000 INCREMENT BY 1;

CREATE TABLE billing.accounts (
    id integer PRIMARY KEY,
    name text NOT NULL,
    balance_cents bigint NOT NULL DEFAULT 0
);

CREATE TABLE billing.invoices (
    id integer PRIMARY KEY DEFAULT nextval('billing.invoice_seq'),
    account_id integer NOT NULL REFERENCES billing.accounts (id),
    amount_cents bigint NOT NULL,
    memo text,
    state billing.invoice_state NOT NULL DEFAULT 'draft'
);

ALTER SEQUENCE billing.invoice_seq OWNED BY billing.invoices.id;

CREATE TABLE billing.payments (
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    invoice_id integer NOT NULL REFERENCES billing.invoices (id) ON DELETE CASCADE,
    paid_cents bigint NOT NULL CHECK (paid_cents > 0)
);

CREATE INDEX payments_invoice_idx ON billing.payments (invoice_id);

CREATE VIEW billing.account_balances AS
SELECT a.id, a.name, a.balance_cents - coalesce(sum(i.amount_cents), 0) AS open_cents
FROM billing.accounts a LEFT JOIN billing.invoices i ON i.account_id = a.id AND i.state <> 'void'
GROUP BY a.id, a.name, a.balance_cents;

CREATE FUNCTION billing.cents_to_text(c bigint) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(c / 100.0, 'FM999999990.00') $$;

ALTER TABLE billing.invoices ENABLE ROW LEVEL SECURITY;
ALTER TABLE billing.invoices FORCE ROW LEVEL SECURITY;
CREATE POLICY invoices_read ON billing.invoices FOR SELECT TO app_reader USING (state <> 'draft');

GRANT USAGE ON SCHEMA billing TO app_reader;
GRANT SELECT ON billing.account_balances TO app_reader;
GRANT SELECT ON billing.payments TO app_reader;

COMMENT ON TYPE billing.invoice_state IS 'Invoice lifecycle';
COMMENT ON POLICY invoices_read ON billing.invoices IS 'Readers never see drafts';

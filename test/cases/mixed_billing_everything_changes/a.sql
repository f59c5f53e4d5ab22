-- everything changes at once in a schema: int->bigint under a view and RLS policy, new enum column used by policy and view, table replaced, sequence options, function signature, grants
DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_reader') THEN CREATE ROLE app_reader; END IF; END $$;

CREATE SCHEMA billing;

CREATE SEQUENCE billing.invoice_seq;

CREATE TABLE billing.accounts (
    id integer PRIMARY KEY,
    name text NOT NULL,
    balance_cents integer NOT NULL DEFAULT 0
);

CREATE TABLE billing.invoices (
    id integer PRIMARY KEY DEFAULT nextval('billing.invoice_seq'),
    account_id integer NOT NULL REFERENCES billing.accounts (id),
    amount_cents integer NOT NULL,
    memo text
);

ALTER SEQUENCE billing.invoice_seq OWNED BY billing.invoices.id;

CREATE TABLE billing.payments_old (
    id integer PRIMARY KEY,
    invoice_id integer REFERENCES billing.invoices (id)
);

CREATE VIEW billing.account_balances AS
SELECT a.id, a.name, a.balance_cents - coalesce(sum(i.amount_cents), 0) AS open_cents
FROM billing.accounts a LEFT JOIN billing.invoices i ON i.account_id = a.id
GROUP BY a.id, a.name, a.balance_cents;

CREATE FUNCTION billing.cents_to_text(c integer) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT (c / 100.0)::text $$;

ALTER TABLE billing.invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY invoices_read ON billing.invoices FOR SELECT TO app_reader USING (amount_cents > 0);

GRANT USAGE ON SCHEMA billing TO app_reader;
GRANT SELECT ON billing.account_balances TO app_reader;

CREATE SCHEMA crm;
CREATE SCHEMA sales;
CREATE SCHEMA support;

CREATE TABLE crm.accounts (
    id bigint PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE sales.orders (
    id bigint PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES crm.accounts (id) ON DELETE RESTRICT
);

CREATE TABLE support.tickets (
    id bigint PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES crm.accounts (id),
    order_id bigint REFERENCES sales.orders (id) ON DELETE SET NULL,
    subject text NOT NULL
);

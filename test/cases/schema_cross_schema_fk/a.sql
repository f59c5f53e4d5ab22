-- tables in two non-public schemas with foreign keys across them; B adds a third schema and reverses one reference
CREATE SCHEMA crm;
CREATE SCHEMA sales;

CREATE TABLE crm.accounts (
    id bigint PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE sales.orders (
    id bigint PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES crm.accounts (id)
);

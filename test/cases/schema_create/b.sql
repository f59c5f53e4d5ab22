CREATE TABLE public.customers (
    id bigint PRIMARY KEY,
    name text NOT NULL
);

CREATE SCHEMA billing;

CREATE SEQUENCE billing.invoice_no_seq START WITH 1000;

CREATE TABLE billing.invoices (
    id bigint PRIMARY KEY,
    invoice_no bigint NOT NULL DEFAULT nextval('billing.invoice_no_seq'),
    customer_id bigint NOT NULL REFERENCES public.customers (id),
    total numeric(12,2) NOT NULL DEFAULT 0
);

CREATE VIEW billing.customer_totals AS
SELECT c.id, c.name, sum(i.total) AS total
FROM public.customers c
JOIN billing.invoices i ON i.customer_id = c.id
GROUP BY c.id, c.name;

CREATE SCHEMA numbering;

CREATE SEQUENCE public.document_no_seq START WITH 1000;
CREATE SEQUENCE numbering.invoice_no_seq START WITH 50000 INCREMENT BY 1;

CREATE TABLE public.quotes (
    id integer PRIMARY KEY,
    doc_no bigint NOT NULL DEFAULT nextval('public.document_no_seq')
);

CREATE TABLE public.invoices (
    id integer PRIMARY KEY,
    doc_no bigint NOT NULL DEFAULT nextval('numbering.invoice_no_seq')
);

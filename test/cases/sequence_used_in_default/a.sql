-- two tables take ids from one standalone sequence; in B one switches to a new sequence in another schema
CREATE SEQUENCE public.document_no_seq START WITH 1000;

CREATE TABLE public.quotes (
    id integer PRIMARY KEY,
    doc_no bigint NOT NULL DEFAULT nextval('public.document_no_seq')
);

CREATE TABLE public.invoices (
    id integer PRIMARY KEY,
    doc_no bigint NOT NULL DEFAULT nextval('public.document_no_seq')
);

CREATE TABLE public.invoices (
    id integer PRIMARY KEY,
    total numeric(10,2)
);

CREATE SEQUENCE public.credit_notes_no_seq;

CREATE TABLE public.credit_notes (
    id integer PRIMARY KEY,
    no bigint NOT NULL DEFAULT nextval('public.credit_notes_no_seq')
);

ALTER SEQUENCE public.credit_notes_no_seq OWNED BY public.credit_notes.no;

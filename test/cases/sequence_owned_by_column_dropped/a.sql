-- a sequence OWNED BY a column that B drops (so the sequence goes too); another table keeps its owned sequence
CREATE SEQUENCE public.invoices_legacy_no_seq;

CREATE TABLE public.invoices (
    id integer PRIMARY KEY,
    total numeric(10,2),
    legacy_no bigint NOT NULL DEFAULT nextval('public.invoices_legacy_no_seq')
);

ALTER SEQUENCE public.invoices_legacy_no_seq OWNED BY public.invoices.legacy_no;

CREATE SEQUENCE public.credit_notes_no_seq;

CREATE TABLE public.credit_notes (
    id integer PRIMARY KEY,
    no bigint NOT NULL DEFAULT nextval('public.credit_notes_no_seq')
);

ALTER SEQUENCE public.credit_notes_no_seq OWNED BY public.credit_notes.no;

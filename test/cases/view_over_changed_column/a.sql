-- a view (and a view on top of it) reads a column whose type changes integer -> numeric(12,2) and varchar(20) -> text
CREATE TABLE public.invoices (
    id integer PRIMARY KEY,
    customer_ref varchar(20) NOT NULL,
    amount_cents integer NOT NULL
);

CREATE VIEW public.invoice_summary AS
SELECT id, customer_ref, amount_cents
FROM public.invoices
WHERE amount_cents > 0;

CREATE VIEW public.invoice_refs AS
SELECT DISTINCT customer_ref FROM public.invoice_summary;

CREATE TABLE public.invoices (
    id integer PRIMARY KEY,
    customer_ref text NOT NULL,
    amount_cents numeric(12,2) NOT NULL
);

CREATE VIEW public.invoice_summary AS
SELECT id, customer_ref, amount_cents
FROM public.invoices
WHERE amount_cents > 0;

CREATE VIEW public.invoice_refs AS
SELECT DISTINCT customer_ref FROM public.invoice_summary;

CREATE TYPE public.invoice_state AS ENUM ('draft', 'sent', 'settled');

CREATE TABLE public.invoices (
    id integer PRIMARY KEY,
    state public.invoice_state NOT NULL DEFAULT 'draft'
);

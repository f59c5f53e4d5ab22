-- an enum label is renamed (paid -> settled) and a column default referencing it follows
CREATE TYPE public.invoice_state AS ENUM ('draft', 'sent', 'paid');

CREATE TABLE public.invoices (
    id integer PRIMARY KEY,
    state public.invoice_state NOT NULL DEFAULT 'draft'
);

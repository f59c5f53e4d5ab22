CREATE TABLE public.invoices (
    id bigint NOT NULL,
    issued_on date NOT NULL,
    total numeric(12,2) NOT NULL,
    currency char(3) NOT NULL DEFAULT 'EUR',
    CONSTRAINT invoices_total_check CHECK (total >= 0)
) PARTITION BY RANGE (issued_on);

CREATE TABLE public.invoices_h1 PARTITION OF public.invoices
    FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');

CREATE TABLE public.invoices_h2 PARTITION OF public.invoices
    FOR VALUES FROM ('2024-07-01') TO ('2025-01-01');

-- a partitioned parent gains a column (with default and NOT NULL) and a check, propagated to its partitions
CREATE TABLE public.invoices (
    id bigint NOT NULL,
    issued_on date NOT NULL,
    total numeric(12,2) NOT NULL
) PARTITION BY RANGE (issued_on);

CREATE TABLE public.invoices_h1 PARTITION OF public.invoices
    FOR VALUES FROM ('2024-01-01') TO ('2024-07-01');

CREATE TABLE public.invoices_h2 PARTITION OF public.invoices
    FOR VALUES FROM ('2024-07-01') TO ('2025-01-01');

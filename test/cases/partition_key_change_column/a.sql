-- the partition key changes from RANGE (issued_on) to RANGE (due_on): parent and partitions (same names, new bounds) are re-created with the parent's index and CHECK
CREATE TABLE public.bills (
    id bigint NOT NULL,
    issued_on date NOT NULL,
    due_on date NOT NULL,
    customer_id bigint NOT NULL,
    CONSTRAINT bills_due_after_issue CHECK (due_on >= issued_on)
) PARTITION BY RANGE (issued_on);

CREATE TABLE public.bills_2024 PARTITION OF public.bills
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.bills_2025 PARTITION OF public.bills
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE INDEX bills_customer_id_idx ON public.bills (customer_id);

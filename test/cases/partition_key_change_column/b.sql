CREATE TABLE public.bills (
    id bigint NOT NULL,
    issued_on date NOT NULL,
    due_on date NOT NULL,
    customer_id bigint NOT NULL,
    CONSTRAINT bills_due_after_issue CHECK (due_on >= issued_on)
) PARTITION BY RANGE (due_on);

CREATE TABLE public.bills_2024 PARTITION OF public.bills
    FOR VALUES FROM ('2024-02-01') TO ('2025-02-01');
CREATE TABLE public.bills_2025 PARTITION OF public.bills
    FOR VALUES FROM ('2025-02-01') TO ('2026-02-01');

CREATE INDEX bills_customer_id_idx ON public.bills (customer_id);

CREATE TABLE public.payments (
    id bigint NOT NULL,
    paid_on date NOT NULL,
    amount numeric(12,2) NOT NULL
) PARTITION BY RANGE (paid_on);

CREATE TABLE public.payments_2024 PARTITION OF public.payments
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

CREATE TABLE public.payments_2023 (
    id bigint NOT NULL,
    paid_on date NOT NULL,
    amount numeric(12,2) NOT NULL,
    CONSTRAINT payments_2023_bound CHECK (paid_on >= '2023-01-01' AND paid_on < '2024-01-01')
);

ALTER TABLE public.payments ATTACH PARTITION public.payments_2023
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');

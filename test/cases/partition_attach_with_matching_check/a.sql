-- a table present on both sides is standalone in A and attached in B, where it got a CHECK matching its bound before ATTACH PARTITION (kept after)
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
    amount numeric(12,2) NOT NULL
);

CREATE TABLE public.transfers (
    id bigint NOT NULL,
    booked_on date NOT NULL,
    amount numeric(12,2) NOT NULL
) PARTITION BY RANGE (booked_on);

CREATE TABLE public.transfers_2024 PARTITION OF public.transfers
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.transfers_2025 PARTITION OF public.transfers
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE INDEX transfers_amount_idx ON ONLY public.transfers (amount);
CREATE INDEX transfers_2024_amount_idx ON public.transfers_2024 (amount);
ALTER INDEX public.transfers_amount_idx ATTACH PARTITION public.transfers_2024_amount_idx;

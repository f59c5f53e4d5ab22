-- partitions of a parent without a key: unique indexes in A become a PRIMARY KEY and a UNIQUE constraint built on them (USING INDEX) in B
CREATE TABLE public.receipts (
    id bigint NOT NULL,
    issued_on date NOT NULL,
    ref text
) PARTITION BY RANGE (issued_on);

CREATE TABLE public.receipts_2024 PARTITION OF public.receipts
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.receipts_2025 PARTITION OF public.receipts
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE UNIQUE INDEX receipts_2024_id_uidx ON public.receipts_2024 (id);
CREATE UNIQUE INDEX receipts_2025_ref_uidx ON public.receipts_2025 (ref);

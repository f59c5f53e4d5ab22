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
ALTER TABLE public.receipts_2024 ADD CONSTRAINT receipts_2024_pkey PRIMARY KEY USING INDEX receipts_2024_id_uidx;
CREATE UNIQUE INDEX receipts_2025_ref_uidx ON public.receipts_2025 (ref);
ALTER TABLE public.receipts_2025 ADD CONSTRAINT receipts_2025_ref_uidx UNIQUE USING INDEX receipts_2025_ref_uidx;

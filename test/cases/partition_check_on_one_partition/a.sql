-- partition-local CHECK constraints: one partition's CHECK is dropped, another partition gains one, and a third's expression changes
CREATE TABLE public.orders (
    id bigint NOT NULL,
    placed_on date NOT NULL,
    total numeric(12,2) NOT NULL
) PARTITION BY RANGE (placed_on);

CREATE TABLE public.orders_2023 PARTITION OF public.orders
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE public.orders_2024 PARTITION OF public.orders
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.orders_2025 PARTITION OF public.orders
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

ALTER TABLE public.orders_2023 ADD CONSTRAINT orders_2023_total_check CHECK (total >= 0);
ALTER TABLE public.orders_2024 ADD CONSTRAINT orders_2024_total_check CHECK (total >= 0);

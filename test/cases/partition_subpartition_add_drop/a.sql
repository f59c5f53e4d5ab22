-- inside a LIST sub-partitioned RANGE partition, B drops a sub-partition and adds another and a default sub-partition
CREATE TABLE public.sales (
    id bigint NOT NULL,
    sold_on date NOT NULL,
    region text NOT NULL,
    amount numeric(12,2)
) PARTITION BY RANGE (sold_on);

CREATE TABLE public.sales_2024 PARTITION OF public.sales
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    PARTITION BY LIST (region);
CREATE TABLE public.sales_2024_eu PARTITION OF public.sales_2024 FOR VALUES IN ('eu');
CREATE TABLE public.sales_2024_us PARTITION OF public.sales_2024 FOR VALUES IN ('us');

CREATE TABLE public.sales_2025 PARTITION OF public.sales
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

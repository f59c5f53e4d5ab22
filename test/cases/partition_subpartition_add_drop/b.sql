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
CREATE TABLE public.sales_2024_apac PARTITION OF public.sales_2024 FOR VALUES IN ('apac');
CREATE TABLE public.sales_2024_rest PARTITION OF public.sales_2024 DEFAULT;

CREATE TABLE public.sales_2025 PARTITION OF public.sales
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE TABLE public.orders_live (
    id bigint NOT NULL,
    placed_on date NOT NULL,
    customer_id bigint NOT NULL
) PARTITION BY RANGE (placed_on);
CREATE INDEX orders_live_placed_on_idx ON public.orders_live (placed_on);

CREATE TABLE public.orders_archive (
    id bigint NOT NULL,
    placed_on date NOT NULL,
    customer_id bigint NOT NULL
) PARTITION BY RANGE (placed_on);
CREATE INDEX orders_archive_customer_id_idx ON public.orders_archive (customer_id);

CREATE TABLE public.orders_2022 PARTITION OF public.orders_archive
    FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE public.orders_2023 PARTITION OF public.orders_archive
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE public.orders_2024 PARTITION OF public.orders_live
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

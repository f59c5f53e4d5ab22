-- constraints on a partitioned parent, inherited by its partitions: B adds a PK, an FK out, an FK in from another table and a CHECK, and drops a UNIQUE
CREATE TABLE public.customers (
    id bigint PRIMARY KEY
);

CREATE TABLE public.orders (
    id bigint NOT NULL,
    placed_on date NOT NULL,
    customer_id bigint NOT NULL,
    ref text,
    total numeric(12,2) NOT NULL,
    CONSTRAINT orders_ref_placed_on_key UNIQUE (ref, placed_on)
) PARTITION BY RANGE (placed_on);

CREATE TABLE public.orders_2024 PARTITION OF public.orders
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.orders_2025 PARTITION OF public.orders
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE TABLE public.order_notes (
    order_id bigint NOT NULL,
    order_placed_on date NOT NULL,
    note text
);

CREATE TABLE public.customers (
    id bigint PRIMARY KEY
);

CREATE TABLE public.orders (
    id bigint NOT NULL,
    placed_on date NOT NULL,
    customer_id bigint NOT NULL REFERENCES public.customers (id),
    PRIMARY KEY (id, placed_on)
) PARTITION BY RANGE (placed_on);

CREATE TABLE public.orders_2024 PARTITION OF public.orders
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

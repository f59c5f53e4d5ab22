CREATE TABLE public.orders (
    id bigint NOT NULL,
    placed_on date NOT NULL,
    PRIMARY KEY (id, placed_on)
) PARTITION BY RANGE (placed_on);

CREATE TABLE public.orders_2024 PARTITION OF public.orders
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.orders_2025 PARTITION OF public.orders
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE TABLE public.order_notes (
    id bigint PRIMARY KEY,
    order_id bigint NOT NULL,
    order_placed_on date NOT NULL,
    FOREIGN KEY (order_id, order_placed_on) REFERENCES public.orders (id, placed_on)
);

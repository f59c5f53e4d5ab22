CREATE TABLE public.customers (
    id bigint PRIMARY KEY
);

CREATE TABLE public.orders (
    id bigint NOT NULL,
    placed_on date NOT NULL,
    customer_id bigint NOT NULL REFERENCES public.customers (id),
    ref text,
    total numeric(12,2) NOT NULL,
    PRIMARY KEY (id, placed_on),
    CONSTRAINT orders_total_check CHECK (total >= 0)
) PARTITION BY RANGE (placed_on);

CREATE TABLE public.orders_2024 PARTITION OF public.orders
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.orders_2025 PARTITION OF public.orders
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE TABLE public.order_notes (
    order_id bigint NOT NULL,
    order_placed_on date NOT NULL,
    note text,
    FOREIGN KEY (order_id, order_placed_on) REFERENCES public.orders (id, placed_on) ON DELETE CASCADE
);

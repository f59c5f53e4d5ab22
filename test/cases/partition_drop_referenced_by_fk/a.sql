-- a partitioned table referenced by an FK from another table: B drops one partition (the FK depends on it until detached) and adds another
CREATE TABLE public.orders (
    id bigint NOT NULL,
    placed_on date NOT NULL,
    PRIMARY KEY (id, placed_on)
) PARTITION BY RANGE (placed_on);

CREATE TABLE public.orders_2023 PARTITION OF public.orders
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE public.orders_2024 PARTITION OF public.orders
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

CREATE TABLE public.order_notes (
    id bigint PRIMARY KEY,
    order_id bigint NOT NULL,
    order_placed_on date NOT NULL,
    FOREIGN KEY (order_id, order_placed_on) REFERENCES public.orders (id, placed_on)
);

CREATE TABLE public.orders (
    id bigint NOT NULL,
    region text NOT NULL,
    placed_on date NOT NULL
) PARTITION BY LIST (region);

CREATE TABLE public.orders_eu PARTITION OF public.orders FOR VALUES IN ('de', 'fr');
CREATE TABLE public.orders_it PARTITION OF public.orders FOR VALUES IN ('it')
    PARTITION BY RANGE (placed_on);
CREATE TABLE public.orders_it_2024 PARTITION OF public.orders_it
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.orders_us PARTITION OF public.orders FOR VALUES IN ('us', 'ca');
CREATE TABLE public.orders_rest PARTITION OF public.orders DEFAULT;

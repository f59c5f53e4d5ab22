-- LIST partitioned orders by region with a default partition; B moves a value between partitions and adds a sub-partitioned partition
CREATE TABLE public.orders (
    id bigint NOT NULL,
    region text NOT NULL,
    placed_on date NOT NULL
) PARTITION BY LIST (region);

CREATE TABLE public.orders_eu PARTITION OF public.orders FOR VALUES IN ('de', 'fr', 'it');
CREATE TABLE public.orders_us PARTITION OF public.orders FOR VALUES IN ('us');
CREATE TABLE public.orders_rest PARTITION OF public.orders DEFAULT;

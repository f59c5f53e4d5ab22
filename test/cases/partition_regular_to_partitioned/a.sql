-- a plain table in A becomes a RANGE-partitioned table with the same columns in B, with an FK to it from another table
CREATE TABLE public.customers (
    id bigint PRIMARY KEY
);

CREATE TABLE public.orders (
    id bigint NOT NULL,
    placed_on date NOT NULL,
    customer_id bigint NOT NULL REFERENCES public.customers (id),
    PRIMARY KEY (id, placed_on)
);

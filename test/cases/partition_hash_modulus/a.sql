-- HASH partitioned table goes from 2 to 4 partitions (modulus changes), with a primary key on the parent
CREATE TABLE public.carts (
    customer_id bigint NOT NULL,
    id bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, id)
) PARTITION BY HASH (customer_id);

CREATE TABLE public.carts_p0 PARTITION OF public.carts FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.carts_p1 PARTITION OF public.carts FOR VALUES WITH (MODULUS 2, REMAINDER 1);

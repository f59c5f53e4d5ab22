CREATE TABLE public.carts (
    customer_id bigint NOT NULL,
    id bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, id)
) PARTITION BY HASH (customer_id);

CREATE TABLE public.carts_p0 PARTITION OF public.carts FOR VALUES WITH (MODULUS 4, REMAINDER 0);
CREATE TABLE public.carts_p1 PARTITION OF public.carts FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE public.carts_p2 PARTITION OF public.carts FOR VALUES WITH (MODULUS 4, REMAINDER 2);
CREATE TABLE public.carts_p3 PARTITION OF public.carts FOR VALUES WITH (MODULUS 4, REMAINDER 3);

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL,
    placed_at timestamptz NOT NULL,
    shipped_at timestamptz,
    total numeric(10,2) NOT NULL,
    reference text NOT NULL
);

CREATE INDEX orders_customer_placed_idx ON public.orders (customer_id, placed_at DESC) INCLUDE (total);
CREATE INDEX orders_shipped_idx ON public.orders (shipped_at DESC NULLS LAST);
CREATE INDEX orders_unshipped_first_idx ON public.orders (shipped_at NULLS FIRST, id);
CREATE INDEX orders_reference_idx ON public.orders (reference text_pattern_ops);

-- a table (with its serial sequence and index) lives in public in A and in schema "archive" in B
CREATE TABLE public.old_orders (
    id serial PRIMARY KEY,
    placed_at timestamptz NOT NULL,
    total numeric(10,2)
);

CREATE INDEX old_orders_placed_at_idx ON public.old_orders (placed_at);

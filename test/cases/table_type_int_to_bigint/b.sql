CREATE TABLE public.customers (
    id bigint PRIMARY KEY,
    age integer
);

CREATE TABLE public.orders (
    id bigint PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES public.customers (id)
);

CREATE INDEX orders_customer_id_idx ON public.orders (customer_id);

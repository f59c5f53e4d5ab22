CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'shipped', 'delivered');

CREATE TABLE public.orders (
    id bigint PRIMARY KEY,
    status public.order_status NOT NULL
);

CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'refunded');

CREATE TABLE public.orders (
    id bigint PRIMARY KEY,
    status public.order_status NOT NULL
);

CREATE VIEW public.open_orders AS
SELECT id, status, status::text AS status_label
FROM public.orders
WHERE status <> 'refunded';

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    coupon_id integer,
    coupon_code text
);

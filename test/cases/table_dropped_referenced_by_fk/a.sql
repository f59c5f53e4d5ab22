-- B drops a table that a kept table references through a foreign key; the kept column stays without the FK
CREATE TABLE public.coupons (
    id integer PRIMARY KEY,
    code text NOT NULL UNIQUE
);

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    coupon_id integer REFERENCES public.coupons (id) ON DELETE SET NULL,
    coupon_code text REFERENCES public.coupons (code)
);

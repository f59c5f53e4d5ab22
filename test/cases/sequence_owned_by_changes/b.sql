CREATE SEQUENCE public.order_ref_seq;
CREATE SEQUENCE public.shared_seq;

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    ref bigint DEFAULT nextval('public.order_ref_seq')
);

ALTER SEQUENCE public.order_ref_seq OWNED BY public.orders.ref;

CREATE TABLE public.returns (
    id integer PRIMARY KEY,
    ref bigint DEFAULT nextval('public.shared_seq')
);

CREATE TABLE public.exchanges (
    id integer PRIMARY KEY,
    ref bigint DEFAULT nextval('public.shared_seq')
);

ALTER SEQUENCE public.shared_seq OWNED BY public.exchanges.ref;

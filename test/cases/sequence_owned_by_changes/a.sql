-- a sequence is OWNED BY NONE in A and OWNED BY a column in B; the owning column of a second sequence moves to another table
CREATE SEQUENCE public.order_ref_seq;
CREATE SEQUENCE public.shared_seq;

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    ref bigint DEFAULT nextval('public.order_ref_seq')
);

CREATE TABLE public.returns (
    id integer PRIMARY KEY,
    ref bigint DEFAULT nextval('public.shared_seq')
);

CREATE TABLE public.exchanges (
    id integer PRIMARY KEY,
    ref bigint DEFAULT nextval('public.shared_seq')
);

ALTER SEQUENCE public.shared_seq OWNED BY public.returns.ref;

-- enum order_status gains a value at the end; the enum is used by a table column
CREATE TYPE public.order_status AS ENUM ('pending', 'paid', 'shipped');

CREATE TABLE public.orders (
    id bigint PRIMARY KEY,
    status public.order_status NOT NULL
);

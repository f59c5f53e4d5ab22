-- int -> bigint on a primary key referenced by a foreign key (both sides change), and smallint -> integer
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    age smallint
);

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES public.customers (id)
);

CREATE INDEX orders_customer_id_idx ON public.orders (customer_id);

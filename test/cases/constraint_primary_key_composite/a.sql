-- single-column primary key in A becomes a composite primary key in B; another table gains a PK
CREATE TABLE public.order_lines (
    id integer PRIMARY KEY,
    order_id integer NOT NULL,
    line_no smallint NOT NULL,
    sku text NOT NULL
);

CREATE TABLE public.price_history (
    sku text NOT NULL,
    valid_from date NOT NULL,
    price numeric(10,2) NOT NULL
);

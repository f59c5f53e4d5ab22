CREATE TABLE public.order_lines (
    id integer NOT NULL,
    order_id integer NOT NULL,
    line_no smallint NOT NULL,
    sku text NOT NULL,
    CONSTRAINT order_lines_pkey PRIMARY KEY (order_id, line_no)
);

CREATE TABLE public.price_history (
    sku text NOT NULL,
    valid_from date NOT NULL,
    price numeric(10,2) NOT NULL,
    PRIMARY KEY (sku, valid_from)
);

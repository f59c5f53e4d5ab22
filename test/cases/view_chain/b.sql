CREATE TABLE public.order_lines (
    id integer PRIMARY KEY,
    order_id integer NOT NULL,
    qty integer NOT NULL,
    unit_price numeric(10,2) NOT NULL
);

CREATE VIEW public.line_totals AS
SELECT order_id, round(qty * unit_price)::bigint AS amount
FROM public.order_lines;

CREATE VIEW public.order_totals AS
SELECT order_id, sum(amount) AS total, count(*) AS line_count
FROM public.line_totals
GROUP BY order_id;

CREATE VIEW public.big_orders AS
SELECT order_id, total, line_count
FROM public.order_totals
WHERE total > 1000;

-- view columns removed, renamed and reordered (not possible with CREATE OR REPLACE) and an explicit column-name list
CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL,
    price numeric(10,2) NOT NULL,
    cost numeric(10,2) NOT NULL,
    category text
);

CREATE VIEW public.product_margins AS
SELECT id, name, price, cost, price - cost AS margin, category
FROM public.products;

CREATE VIEW public.product_labels (product_id, label) AS
SELECT id, name FROM public.products;

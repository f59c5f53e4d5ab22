CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL,
    price numeric(10,2) NOT NULL,
    cost numeric(10,2) NOT NULL,
    category text
);

CREATE VIEW public.product_margins AS
SELECT id, category, name, price - cost AS margin_amount
FROM public.products;

CREATE VIEW public.product_labels (product_id, display_label, category_label) AS
SELECT id, name || ' (' || coalesce(category, '-') || ')', category FROM public.products;

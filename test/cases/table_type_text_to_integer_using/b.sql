CREATE TABLE public.legacy_orders (
    id integer PRIMARY KEY,
    quantity integer NOT NULL DEFAULT 1,
    ordered_on date
);

INSERT INTO public.legacy_orders (id, quantity, ordered_on) VALUES
    (1, 3, '2024-01-15'),
    (2, 12, '2024-02-01');

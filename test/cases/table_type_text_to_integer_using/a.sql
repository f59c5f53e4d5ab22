-- text -> integer and text -> date conversions that need USING, with a few rows holding convertible values
CREATE TABLE public.legacy_orders (
    id integer PRIMARY KEY,
    quantity text NOT NULL DEFAULT '1',
    ordered_on text
);

INSERT INTO public.legacy_orders (id, quantity, ordered_on) VALUES
    (1, '3', '2024-01-15'),
    (2, '12', '2024-02-01');

-- B drops one table and creates another (with PK, unique and FK to a kept table)
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE public.wishlist (
    customer_id integer NOT NULL,
    product text NOT NULL
);

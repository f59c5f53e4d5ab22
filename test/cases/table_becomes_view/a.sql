-- a table in A becomes a view of the same name in B, reading from a renamed table with the same columns plus more
CREATE TABLE public.customer_accounts (
    id integer PRIMARY KEY,
    email text NOT NULL,
    display_name text
);

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    account_id integer NOT NULL
);

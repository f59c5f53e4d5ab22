-- B adds a new schema "billing" holding a table, a sequence and a view that reference public.customers
CREATE TABLE public.customers (
    id bigint PRIMARY KEY,
    name text NOT NULL
);

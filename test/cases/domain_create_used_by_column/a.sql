-- B creates domains (CHECK, NOT NULL, DEFAULT) and switches plain columns to them
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    email text NOT NULL,
    postcode varchar(10),
    credit numeric(10,2) NOT NULL DEFAULT 0
);

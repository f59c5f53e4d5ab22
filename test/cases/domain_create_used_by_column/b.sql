CREATE DOMAIN public.email AS text
    CONSTRAINT email_has_at CHECK (VALUE ~ '^[^@]+@[^@]+$');

CREATE DOMAIN public.postcode AS varchar(10)
    CHECK (VALUE ~ '^[0-9A-Z -]+$');

CREATE DOMAIN public.money_amount AS numeric(10,2)
    NOT NULL
    DEFAULT 0
    CONSTRAINT money_amount_non_negative CHECK (VALUE >= 0);

CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    email public.email NOT NULL,
    postcode public.postcode,
    credit public.money_amount
);

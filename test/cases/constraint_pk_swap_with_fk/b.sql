CREATE TABLE public.currencies (
    id integer NOT NULL UNIQUE,
    code char(3) PRIMARY KEY
);

CREATE TABLE public.prices (
    id integer PRIMARY KEY,
    amount numeric(10,2) NOT NULL,
    currency_code char(3) NOT NULL REFERENCES public.currencies (code)
);

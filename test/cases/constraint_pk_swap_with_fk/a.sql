-- the primary key moves from a surrogate id to a natural code that another table now references
CREATE TABLE public.currencies (
    id integer PRIMARY KEY,
    code char(3) NOT NULL UNIQUE
);

CREATE TABLE public.prices (
    id integer PRIMARY KEY,
    amount numeric(10,2) NOT NULL,
    currency_id integer NOT NULL REFERENCES public.currencies (id)
);

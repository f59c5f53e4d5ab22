-- varchar(10) -> varchar(50) widening on one column and varchar(50) -> varchar(10) narrowing on another, one indexed
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    first_name varchar(10) NOT NULL,
    country_code varchar(50)
);

CREATE INDEX customers_country_code_idx ON public.customers (country_code);

INSERT INTO public.customers (id, first_name, country_code) VALUES (1, 'Ann', 'SE');

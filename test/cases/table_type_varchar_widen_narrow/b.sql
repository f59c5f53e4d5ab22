CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    first_name varchar(50) NOT NULL,
    country_code varchar(10)
);

CREATE INDEX customers_country_code_idx ON public.customers (country_code);

INSERT INTO public.customers (id, first_name, country_code) VALUES (1, 'Ann', 'SE');

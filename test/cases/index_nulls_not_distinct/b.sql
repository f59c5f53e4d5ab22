CREATE TABLE public.vat_numbers (
    id integer PRIMARY KEY,
    country char(2) NOT NULL,
    number text,
    label text,
    CONSTRAINT vat_numbers_label_key UNIQUE (label) INCLUDE (country)
);

CREATE UNIQUE INDEX vat_numbers_country_number_idx ON public.vat_numbers (country, number) NULLS NOT DISTINCT;

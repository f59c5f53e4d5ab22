-- unique index NULLS NOT DISTINCT vs plain unique index, plus a unique constraint using an index with INCLUDE
CREATE TABLE public.vat_numbers (
    id integer PRIMARY KEY,
    country char(2) NOT NULL,
    number text,
    label text
);

CREATE UNIQUE INDEX vat_numbers_country_number_idx ON public.vat_numbers (country, number);

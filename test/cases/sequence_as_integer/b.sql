CREATE SEQUENCE public.voucher_seq AS integer;

CREATE SEQUENCE public.small_counter AS smallint MAXVALUE 30000;

CREATE TABLE public.vouchers (
    id integer PRIMARY KEY DEFAULT nextval('public.voucher_seq'),
    code text NOT NULL
);

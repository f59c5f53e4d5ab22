-- a sequence changes data type bigint -> AS integer (and smallint), its maxvalue following
CREATE SEQUENCE public.voucher_seq AS bigint;

CREATE SEQUENCE public.small_counter AS integer MAXVALUE 30000;

CREATE TABLE public.vouchers (
    id integer PRIMARY KEY DEFAULT nextval('public.voucher_seq'),
    code text NOT NULL
);

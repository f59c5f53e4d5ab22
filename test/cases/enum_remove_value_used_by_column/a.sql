-- enum value removed while the enum is used by a column (with default, index and check) that holds other values
CREATE TYPE public.payment_method AS ENUM ('card', 'cheque', 'transfer', 'cash');

CREATE TABLE public.payments (
    id integer PRIMARY KEY,
    method public.payment_method NOT NULL DEFAULT 'card',
    amount numeric(10,2) NOT NULL,
    CONSTRAINT payments_cash_limit CHECK (method <> 'cash' OR amount < 1000)
);

CREATE INDEX payments_method_idx ON public.payments (method);

INSERT INTO public.payments (id, method, amount) VALUES (1, 'card', 10), (2, 'transfer', 20);

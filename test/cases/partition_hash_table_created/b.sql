CREATE TABLE public.accounts (
    id bigint PRIMARY KEY
);

CREATE TABLE public.ledger_lines (
    account_id bigint NOT NULL REFERENCES public.accounts (id),
    line_no integer NOT NULL,
    amount numeric(12,2) NOT NULL,
    memo text,
    PRIMARY KEY (account_id, line_no)
) PARTITION BY HASH (account_id);

CREATE TABLE public.ledger_lines_r0 PARTITION OF public.ledger_lines FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.ledger_lines_r1 PARTITION OF public.ledger_lines FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE public.ledger_lines_r3 PARTITION OF public.ledger_lines FOR VALUES WITH (MODULUS 4, REMAINDER 3);

CREATE INDEX ledger_lines_memo_idx ON public.ledger_lines (memo);

CREATE TABLE public.accounts (
    id bigint PRIMARY KEY
);

CREATE TABLE public.entries (
    account_id bigint NOT NULL REFERENCES public.accounts (id),
    id bigint NOT NULL,
    amount numeric(14,2) NOT NULL,
    PRIMARY KEY (account_id, id)
) PARTITION BY HASH (account_id);

CREATE TABLE public.entries_p0 PARTITION OF public.entries FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.entries_p1 PARTITION OF public.entries FOR VALUES WITH (MODULUS 4, REMAINDER 1);
CREATE TABLE public.entries_p3 PARTITION OF public.entries FOR VALUES WITH (MODULUS 4, REMAINDER 3);

CREATE INDEX entries_amount_idx ON ONLY public.entries (amount);
CREATE INDEX entries_p0_amount ON public.entries_p0 (amount);
CREATE INDEX entries_p1_amount ON public.entries_p1 (amount);
CREATE INDEX entries_p3_amount ON public.entries_p3 (amount);
ALTER INDEX public.entries_amount_idx ATTACH PARTITION public.entries_p0_amount;
ALTER INDEX public.entries_amount_idx ATTACH PARTITION public.entries_p1_amount;
ALTER INDEX public.entries_amount_idx ATTACH PARTITION public.entries_p3_amount;

CREATE TABLE public.entry_tags (
    account_id bigint NOT NULL,
    entry_id bigint NOT NULL,
    tag text NOT NULL,
    FOREIGN KEY (account_id, entry_id) REFERENCES public.entries (account_id, id) ON DELETE CASCADE
);

CREATE TABLE public.balances (
    account_id bigint NOT NULL,
    as_of date NOT NULL,
    balance numeric(14,2) NOT NULL
) PARTITION BY RANGE (as_of);

CREATE TABLE public.balances_2023 PARTITION OF public.balances
    FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE public.balances_2024 PARTITION OF public.balances
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

CREATE TABLE public.balances_2022 (
    account_id bigint NOT NULL,
    as_of date NOT NULL,
    balance numeric(14,2) NOT NULL,
    CONSTRAINT balances_2022_bound CHECK (as_of >= '2022-01-01' AND as_of < '2023-01-01')
);
ALTER TABLE public.balances ATTACH PARTITION public.balances_2022
    FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');

ALTER TABLE public.balances_2024 ADD CONSTRAINT balances_2024_balance_check CHECK (balance > -10000);

CREATE INDEX balances_account_id_idx ON ONLY public.balances (account_id);
CREATE INDEX balances_2024_account_id_idx ON public.balances_2024 (account_id);
ALTER INDEX public.balances_account_id_idx ATTACH PARTITION public.balances_2024_account_id_idx;

-- mixed: a HASH table changes moduli and gains a partition and an inbound FK; a RANGE table attaches a standalone table with a matching CHECK, drops a UNIQUE, gains an invalid ON ONLY index and a local CHECK
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
CREATE TABLE public.entries_p1 PARTITION OF public.entries FOR VALUES WITH (MODULUS 2, REMAINDER 1);

CREATE INDEX entries_amount_idx ON ONLY public.entries (amount);
CREATE INDEX entries_p0_amount ON public.entries_p0 (amount);
CREATE INDEX entries_p1_amount ON public.entries_p1 (amount);
ALTER INDEX public.entries_amount_idx ATTACH PARTITION public.entries_p0_amount;
ALTER INDEX public.entries_amount_idx ATTACH PARTITION public.entries_p1_amount;

CREATE TABLE public.entry_tags (
    account_id bigint NOT NULL,
    entry_id bigint NOT NULL,
    tag text NOT NULL
);

CREATE TABLE public.balances (
    account_id bigint NOT NULL,
    as_of date NOT NULL,
    balance numeric(14,2) NOT NULL,
    CONSTRAINT balances_account_id_as_of_key UNIQUE (account_id, as_of)
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

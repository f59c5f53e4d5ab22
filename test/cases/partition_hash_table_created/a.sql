-- a HASH partitioned table with mixed moduli, a primary key, an FK and an index exists only in B; the down drops it with its partitions
CREATE TABLE public.accounts (
    id bigint PRIMARY KEY
);

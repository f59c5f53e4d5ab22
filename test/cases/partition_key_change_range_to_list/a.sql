-- RANGE (region_id) in A becomes LIST (region_id) in B with the same partition names and a new default; the PK spans the key on both sides
CREATE TABLE public.stores (
    id bigint NOT NULL,
    region_id integer NOT NULL,
    name text NOT NULL,
    PRIMARY KEY (id, region_id)
) PARTITION BY RANGE (region_id);

CREATE TABLE public.stores_low PARTITION OF public.stores FOR VALUES FROM (0) TO (100);
CREATE TABLE public.stores_high PARTITION OF public.stores FOR VALUES FROM (100) TO (200);

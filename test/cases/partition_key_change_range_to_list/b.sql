CREATE TABLE public.stores (
    id bigint NOT NULL,
    region_id integer NOT NULL,
    name text NOT NULL,
    PRIMARY KEY (id, region_id)
) PARTITION BY LIST (region_id);

CREATE TABLE public.stores_low PARTITION OF public.stores FOR VALUES IN (1, 2, 3);
CREATE TABLE public.stores_high PARTITION OF public.stores FOR VALUES IN (100, 101);
CREATE TABLE public.stores_other PARTITION OF public.stores DEFAULT;

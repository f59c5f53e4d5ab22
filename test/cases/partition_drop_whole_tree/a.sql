-- a three-level partition tree (RANGE, a LIST sub-partitioned partition, a HASH sub-partitioned default) with a key, an FK and an index is dropped in B
CREATE TABLE public.carriers (
    id integer PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE public.shipments (
    id bigint NOT NULL,
    shipped_on date NOT NULL,
    country text NOT NULL,
    carrier_id integer REFERENCES public.carriers (id),
    PRIMARY KEY (id, shipped_on, country)
) PARTITION BY RANGE (shipped_on);

CREATE TABLE public.shipments_2024 PARTITION OF public.shipments
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
    PARTITION BY LIST (country);
CREATE TABLE public.shipments_2024_de PARTITION OF public.shipments_2024 FOR VALUES IN ('de');
CREATE TABLE public.shipments_2024_rest PARTITION OF public.shipments_2024 DEFAULT;

CREATE TABLE public.shipments_other PARTITION OF public.shipments DEFAULT
    PARTITION BY HASH (id);
CREATE TABLE public.shipments_other_h0 PARTITION OF public.shipments_other FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE public.shipments_other_h1 PARTITION OF public.shipments_other FOR VALUES WITH (MODULUS 2, REMAINDER 1);

CREATE INDEX shipments_carrier_id_idx ON public.shipments (carrier_id);

COMMENT ON TABLE public.shipments_2024 IS 'shipments of 2024, by country';

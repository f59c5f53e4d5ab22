-- a serial column in A becomes an identity column in B (both back a sequence named orders_id_seq); bigserial stays
CREATE TABLE public.orders (
    id serial PRIMARY KEY,
    customer text NOT NULL
);

CREATE TABLE public.events (
    id bigserial PRIMARY KEY,
    payload jsonb
);

CREATE TABLE public.reviews (
    id integer PRIMARY KEY,
    product_id integer NOT NULL,
    rating smallint NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX reviews_product_id_idx ON public.reviews (product_id);
CREATE INDEX reviews_recent_idx ON public.reviews (created_at DESC) WITH (fillfactor = 80);

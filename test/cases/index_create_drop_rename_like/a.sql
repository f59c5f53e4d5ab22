-- an index dropped, one added and one with identical definition under a new name
CREATE TABLE public.reviews (
    id integer PRIMARY KEY,
    product_id integer NOT NULL,
    rating smallint NOT NULL,
    created_at timestamptz NOT NULL
);

CREATE INDEX reviews_product_idx ON public.reviews (product_id);
CREATE INDEX reviews_rating_idx ON public.reviews (rating);

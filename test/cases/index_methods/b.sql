CREATE TABLE public.articles (
    id integer PRIMARY KEY,
    body text NOT NULL,
    search tsvector,
    meta jsonb,
    bbox box,
    published_at timestamptz NOT NULL,
    slug text NOT NULL
);

CREATE INDEX articles_search_idx ON public.articles USING gin (search);
CREATE INDEX articles_body_fts_idx ON public.articles USING gin (to_tsvector('english'::regconfig, body));
CREATE INDEX articles_meta_idx ON public.articles USING gin (meta jsonb_path_ops);
CREATE INDEX articles_bbox_idx ON public.articles USING gist (bbox);
CREATE INDEX articles_published_at_idx ON public.articles USING brin (published_at) WITH (pages_per_range = 32);
CREATE INDEX articles_slug_idx ON public.articles USING hash (slug);

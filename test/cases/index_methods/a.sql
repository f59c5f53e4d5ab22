-- index access methods: gin on tsvector and jsonb (jsonb_path_ops), gist on box, brin with pages_per_range, hash
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
CREATE INDEX articles_slug_idx ON public.articles (slug);

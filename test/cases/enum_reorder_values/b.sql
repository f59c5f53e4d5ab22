CREATE TYPE public.size AS ENUM ('xlarge', 'large', 'medium', 'small');

CREATE TABLE public.garments (
    id integer PRIMARY KEY,
    size public.size NOT NULL
);

CREATE INDEX garments_size_idx ON public.garments (size);

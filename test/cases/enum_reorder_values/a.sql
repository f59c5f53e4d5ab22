-- same enum labels in a different order (changes sort order), used by a column and an index
CREATE TYPE public.size AS ENUM ('small', 'medium', 'large', 'xlarge');

CREATE TABLE public.garments (
    id integer PRIMARY KEY,
    size public.size NOT NULL
);

CREATE INDEX garments_size_idx ON public.garments (size);

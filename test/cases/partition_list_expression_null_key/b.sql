CREATE TABLE public.tags (
    id bigint NOT NULL,
    code text
) PARTITION BY LIST (lower(code));

CREATE TABLE public.tags_ab PARTITION OF public.tags FOR VALUES IN ('a', 'b');
CREATE TABLE public.tags_cd PARTITION OF public.tags FOR VALUES IN ('c', 'd');
CREATE TABLE public.tags_other PARTITION OF public.tags DEFAULT;

-- LIST partitioning on an expression key with a partition for NULL: B drops the NULL partition and adds a partition and a default
CREATE TABLE public.tags (
    id bigint NOT NULL,
    code text
) PARTITION BY LIST (lower(code));

CREATE TABLE public.tags_ab PARTITION OF public.tags FOR VALUES IN ('a', 'b');
CREATE TABLE public.tags_null PARTITION OF public.tags FOR VALUES IN (NULL);

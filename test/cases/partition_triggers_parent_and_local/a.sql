-- triggers on a partitioned parent (a row trigger cloned to every partition, a statement trigger that is not) and a trigger on one partition only
CREATE FUNCTION public.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$;

CREATE FUNCTION public.note_change() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN RETURN NULL; END $$;

CREATE TABLE public.items (
    id bigint NOT NULL,
    added_on date NOT NULL,
    name text NOT NULL,
    updated_at timestamptz
) PARTITION BY RANGE (added_on);

CREATE TABLE public.items_2024 PARTITION OF public.items
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.items_2025 PARTITION OF public.items
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

CREATE TRIGGER items_2025_note AFTER DELETE ON public.items_2025
    FOR EACH ROW EXECUTE FUNCTION public.note_change();

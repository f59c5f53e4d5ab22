-- a CONSTRAINT TRIGGER (DEFERRABLE INITIALLY DEFERRED) is added in B on a partition while a row trigger on the partitioned parent (cloned to partitions) is dropped
CREATE TABLE public.ledger (
    id bigint NOT NULL,
    booked_on date NOT NULL,
    amount numeric(12,2) NOT NULL
) PARTITION BY RANGE (booked_on);

CREATE TABLE public.ledger_2024 PARTITION OF public.ledger
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

CREATE FUNCTION public.ledger_check() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.amount = 0 THEN
        RAISE EXCEPTION 'zero amount';
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER ledger_check AFTER INSERT ON public.ledger
    FOR EACH ROW EXECUTE FUNCTION public.ledger_check();

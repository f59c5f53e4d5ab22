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

CREATE CONSTRAINT TRIGGER ledger_balance_check AFTER INSERT OR UPDATE ON public.ledger_2024
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION public.ledger_check();

-- Totals above 21 million dollars overflow integer cents.
alter table orders alter column total_cents type bigint;

alter table orders alter column total_cents type integer;

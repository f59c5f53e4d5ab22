alter table orders drop constraint orders_total_cents_check;

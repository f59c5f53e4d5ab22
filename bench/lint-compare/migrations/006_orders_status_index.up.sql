create index orders_status_idx on orders (status);

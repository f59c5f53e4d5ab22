-- tinymigrate:no-transaction
create index concurrently orders_created_at_idx on orders (created_at);

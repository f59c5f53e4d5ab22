-- tinymigrate:no-transaction
drop index concurrently orders_created_at_idx;

alter table payments drop constraint payments_order_id_fkey;

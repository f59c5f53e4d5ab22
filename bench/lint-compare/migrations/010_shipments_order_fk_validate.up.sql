alter table shipments validate constraint shipments_order_id_fkey;

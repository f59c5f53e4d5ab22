alter table shipments drop constraint shipments_order_id_fkey;

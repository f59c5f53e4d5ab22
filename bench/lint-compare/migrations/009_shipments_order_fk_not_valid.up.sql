-- Checked for new rows only; existing rows are validated in the next migration.
alter table shipments
    add constraint shipments_order_id_fkey foreign key (order_id) references orders (id) not valid;

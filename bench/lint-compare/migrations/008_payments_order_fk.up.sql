alter table payments
    add constraint payments_order_id_fkey foreign key (order_id) references orders (id);

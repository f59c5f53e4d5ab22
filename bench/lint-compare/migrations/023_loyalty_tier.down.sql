drop index orders_user_id_created_at_idx;
alter table users drop column loyalty_tier;

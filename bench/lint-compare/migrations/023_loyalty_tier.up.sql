-- Loyalty program: a tier per user, and orders by user and date for its page.
alter table users add column loyalty_tier text not null default 'basic';
create index orders_user_id_created_at_idx on orders (user_id, created_at);

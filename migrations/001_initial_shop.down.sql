-- 001_initial_shop (down): drops every table of the shop, in reverse
-- dependency order, and then the order_status enum type.

drop table cart_suggestions;
drop table order_items;
drop table orders;
drop table inventory;
drop table products;
drop table shops;
drop table users;

drop type order_status;

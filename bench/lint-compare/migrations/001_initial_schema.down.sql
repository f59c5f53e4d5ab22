drop table events_2024;
drop table events;
drop table shipments;
drop table payments;
drop table orders;
drop table users;

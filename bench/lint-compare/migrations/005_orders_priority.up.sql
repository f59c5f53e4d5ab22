alter table orders add column priority smallint not null default 0;

alter table users alter column name drop not null;

alter table users add column country_code char(2) not null;

alter table users add constraint users_phone_not_null check (phone is not null);
alter table users alter column phone drop not null;

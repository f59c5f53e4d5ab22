alter table users drop constraint users_phone_not_null;

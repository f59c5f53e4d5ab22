alter table orders alter column note type varchar(200);
alter table users alter column phone type varchar(20);

-- International phone numbers need more room; notes have no length limit any more.
alter table users alter column phone type varchar(40);
alter table orders alter column note type text;

-- Step 3: the valid check spares SET NOT NULL its scan (PostgreSQL 12+).
alter table users alter column phone set not null;
alter table users drop constraint users_phone_not_null;

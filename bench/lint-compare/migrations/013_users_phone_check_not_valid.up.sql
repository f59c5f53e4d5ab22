-- Step 1 of making users.phone NOT NULL without a long lock.
alter table users add constraint users_phone_not_null check (phone is not null) not valid;

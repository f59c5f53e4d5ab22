-- Step 2: reads every row, under a lock that lets reads and writes through.
alter table users validate constraint users_phone_not_null;

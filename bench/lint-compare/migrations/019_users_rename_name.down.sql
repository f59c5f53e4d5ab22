alter table users rename column full_name to name;

alter table users drop column country_code;

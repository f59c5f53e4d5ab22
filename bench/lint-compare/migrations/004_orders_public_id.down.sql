alter table orders drop column public_id;

alter table orders drop column priority;

alter table events detach partition events_2024;

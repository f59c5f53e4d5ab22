alter table events attach partition events_2024
    for values from ('2024-01-01') to ('2025-01-01');

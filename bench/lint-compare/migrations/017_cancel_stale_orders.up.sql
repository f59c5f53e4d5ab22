update orders set status = 'cancelled'
where status = 'pending' and created_at < '2024-01-01';

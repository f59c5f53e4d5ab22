-- 003_delivery (down): drops the deliveries table (with its indexes)
-- and then the delivery_status enum type.

drop table deliveries;

drop type delivery_status;

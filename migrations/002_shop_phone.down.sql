-- 002_shop_phone (down): removes the phone column from shops
-- (its check constraint goes with it).

alter table shops
    drop column phone;

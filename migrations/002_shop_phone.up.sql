-- 002_shop_phone: adds an optional contact phone number to shops.
-- It may be null, but when present it must not be empty or only whitespace.

alter table shops
    add column phone text
        constraint shops_phone_not_blank check (btrim(phone) <> '');

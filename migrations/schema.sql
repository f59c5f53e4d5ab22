-- schema.sql: the declarative schema of the example shop, i.e. the state
-- that migrations 001_initial_shop, 002_shop_phone and 003_delivery produce
-- when applied in order to an empty database. Keep it in sync with them:
-- loading this file into an empty database must give the same schema.

-- Types

create type order_status as enum ('pending', 'paid', 'shipped', 'cancelled');

create type delivery_status as enum ('preparing', 'in_transit', 'delivered', 'returned');

-- Users

create table users (
    id bigint generated always as identity primary key,
    email text not null,
    display_name text not null,
    created_at timestamptz not null default now()
);

-- Emails are unique regardless of case (citext is not available).
create unique index users_email_lower_key
    on users (lower(email));

-- Shops

create table shops (
    id bigint generated always as identity primary key,
    -- A user who still owns a shop cannot be deleted.
    owner_id bigint not null references users (id) on delete restrict,
    name text not null,
    created_at timestamptz not null default now(),
    -- Added by 002_shop_phone, hence the last column.
    phone text
        constraint shops_phone_not_blank check (btrim(phone) <> '')
);

create index shops_owner_id_idx
    on shops (owner_id);

-- Products and inventory

create table products (
    id bigint generated always as identity primary key,
    shop_id bigint not null references shops (id) on delete cascade,
    sku text not null,
    name text not null,
    price numeric(12,2) not null,
    created_at timestamptz not null default now(),
    constraint products_price_positive check (price > 0),
    -- Also serves as the index for lookups by shop_id.
    constraint products_shop_id_sku_key unique (shop_id, sku)
);

-- One row per product: the product id is the key.
create table inventory (
    product_id bigint primary key references products (id) on delete cascade,
    quantity integer not null default 0,
    updated_at timestamptz not null default now(),
    constraint inventory_quantity_not_negative check (quantity >= 0)
);

-- Orders

create table orders (
    id bigint generated always as identity primary key,
    -- Orders are business records: users and shops with orders cannot be deleted.
    user_id bigint not null references users (id) on delete restrict,
    shop_id bigint not null references shops (id) on delete restrict,
    status order_status not null default 'pending',
    created_at timestamptz not null default now()
);

create index orders_user_id_created_at_idx
    on orders (user_id, created_at);

create index orders_shop_id_created_at_idx
    on orders (shop_id, created_at);

create table order_items (
    order_id bigint not null references orders (id) on delete cascade,
    -- A product that appears in an order cannot be deleted.
    product_id bigint not null references products (id) on delete restrict,
    quantity integer not null,
    -- Price at the time of the order, copied from products.price.
    unit_price numeric(12,2) not null,
    primary key (order_id, product_id),
    constraint order_items_quantity_positive check (quantity > 0),
    constraint order_items_unit_price_not_negative check (unit_price >= 0)
);

-- The primary key covers order_id; this one serves product_id lookups.
create index order_items_product_id_idx
    on order_items (product_id);

-- Cart suggestions

create table cart_suggestions (
    id bigint generated always as identity primary key,
    user_id bigint not null references users (id) on delete cascade,
    product_id bigint not null references products (id) on delete cascade,
    score real not null,
    reason text,
    created_at timestamptz not null default now(),
    -- Also serves as the index for lookups by user_id.
    constraint cart_suggestions_user_id_product_id_key unique (user_id, product_id)
);

create index cart_suggestions_product_id_idx
    on cart_suggestions (product_id);

-- Deliveries

create table deliveries (
    id bigint generated always as identity primary key,
    order_id bigint not null references orders (id) on delete cascade,
    carrier text not null,
    tracking_code text,
    status delivery_status not null default 'preparing',
    shipped_at timestamptz,
    delivered_at timestamptz,
    created_at timestamptz not null default now(),
    -- One delivery per order; also serves as the index for lookups by order_id.
    constraint deliveries_order_id_key unique (order_id),
    constraint deliveries_tracking_code_not_blank check (btrim(tracking_code) <> ''),
    constraint deliveries_delivered_after_shipped check (delivered_at >= shipped_at),
    constraint deliveries_delivered_has_time check (status <> 'delivered' or delivered_at is not null)
);

-- Look a parcel up by its tracking code; a code is unique within a carrier.
create unique index deliveries_carrier_tracking_code_key
    on deliveries (carrier, tracking_code);

-- Deliveries still on their way, oldest shipment first.
create index deliveries_in_transit_idx
    on deliveries (shipped_at)
    where status = 'in_transit';

-- 001_initial_shop: the core of a small shop. Users own shops, shops sell
-- products, each product has one inventory row, users place orders made of
-- order items, and cart_suggestions holds per-user product recommendations.

create type order_status as enum ('pending', 'paid', 'shipped', 'cancelled');

create table users (
    id bigint generated always as identity primary key,
    email text not null,
    display_name text not null,
    created_at timestamptz not null default now()
);

-- Emails are unique regardless of case (citext is not available).
create unique index users_email_lower_key
    on users (lower(email));

create table shops (
    id bigint generated always as identity primary key,
    -- A user who still owns a shop cannot be deleted.
    owner_id bigint not null references users (id) on delete restrict,
    name text not null,
    created_at timestamptz not null default now()
);

create index shops_owner_id_idx
    on shops (owner_id);

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

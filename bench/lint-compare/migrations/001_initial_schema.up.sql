-- Users place orders; payments and shipments belong to an order; events is
-- partitioned by month-range on created_at. events_2024 holds imported history
-- and is attached as a partition later.

create table users (
    id serial primary key,
    email text not null,
    name text,
    phone varchar(20),
    created_at timestamptz not null default now()
);

create table orders (
    id integer generated always as identity primary key,
    user_id integer not null references users (id),
    status text not null default 'pending',
    total_cents integer not null,
    note varchar(200),
    created_at timestamptz not null default now()
);

create index orders_user_id_idx on orders (user_id);

create table payments (
    id integer generated always as identity primary key,
    order_id integer not null,
    amount_cents integer not null,
    paid_at timestamptz not null default now()
);

create table shipments (
    id integer generated always as identity primary key,
    order_id integer not null,
    carrier text not null,
    shipped_at timestamptz
);

create table events (
    id bigint generated always as identity,
    user_id integer,
    kind text not null,
    payload jsonb,
    created_at timestamptz not null,
    primary key (id, created_at)
) partition by range (created_at);

create table events_2025 partition of events
    for values from ('2025-01-01') to ('2026-01-01');
create table events_2026 partition of events
    for values from ('2026-01-01') to ('2027-01-01');

create index events_user_id_idx on events (user_id);

-- History imported from the old system, attached as a partition in a later migration.
create table events_2024 (
    id bigint not null,
    user_id integer,
    kind text not null,
    payload jsonb,
    created_at timestamptz not null,
    primary key (id, created_at)
);

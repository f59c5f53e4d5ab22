-- 003_delivery: tracks the shipment of orders. Each order has at most one
-- delivery, with its carrier, tracking code, status and timestamps.

create type delivery_status as enum ('preparing', 'in_transit', 'delivered', 'returned');

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

-- unique and partial indexes: a partial unique index on active rows, a WHERE that changes, a plain index made unique
CREATE TABLE public.subscriptions (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL,
    plan text NOT NULL,
    cancelled_at timestamptz,
    external_id text
);

CREATE INDEX subscriptions_customer_idx ON public.subscriptions (customer_id) WHERE cancelled_at IS NULL;
CREATE INDEX subscriptions_external_id_idx ON public.subscriptions (external_id);

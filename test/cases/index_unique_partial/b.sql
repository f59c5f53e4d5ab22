CREATE TABLE public.subscriptions (
    id integer PRIMARY KEY,
    customer_id integer NOT NULL,
    plan text NOT NULL,
    cancelled_at timestamptz,
    external_id text
);

CREATE UNIQUE INDEX subscriptions_one_active_per_customer ON public.subscriptions (customer_id) WHERE cancelled_at IS NULL;
CREATE INDEX subscriptions_customer_idx ON public.subscriptions (customer_id) WHERE cancelled_at IS NULL AND plan <> 'free';
CREATE UNIQUE INDEX subscriptions_external_id_idx ON public.subscriptions (external_id);

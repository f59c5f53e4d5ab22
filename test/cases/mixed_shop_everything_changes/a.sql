-- everything changes at once: enum loses/gains values, domain check, widened columns, serial->identity, new table+FK, view, matview, trigger, index, comments
CREATE TYPE public.order_status AS ENUM ('new', 'paid', 'backordered', 'shipped');

CREATE DOMAIN public.postcode AS text CHECK (VALUE ~ '^[0-9]{5}$');

CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    email text NOT NULL,
    postcode public.postcode,
    phone varchar(20)
);

CREATE TABLE public.products (
    id integer PRIMARY KEY,
    sku varchar(10) NOT NULL UNIQUE,
    price numeric(10,2) NOT NULL
);

CREATE TABLE public.orders (
    id serial PRIMARY KEY,
    customer_id integer NOT NULL REFERENCES public.customers (id),
    status public.order_status NOT NULL DEFAULT 'new',
    placed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.order_lines (
    order_id integer NOT NULL REFERENCES public.orders (id),
    product_id integer NOT NULL REFERENCES public.products (id),
    qty integer NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

CREATE VIEW public.order_summary AS
SELECT o.id, o.status, sum(l.qty) AS items
FROM public.orders o JOIN public.order_lines l ON l.order_id = o.id
GROUP BY o.id, o.status;

CREATE FUNCTION public.touch() RETURNS trigger
    LANGUAGE plpgsql
    AS $$ BEGIN NEW.placed_at := now(); RETURN NEW; END $$;

CREATE TRIGGER orders_touch BEFORE INSERT ON public.orders
    FOR EACH ROW EXECUTE FUNCTION public.touch();

CREATE INDEX orders_status_idx ON public.orders (status);

COMMENT ON TABLE public.orders IS 'Orders';

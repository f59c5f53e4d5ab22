CREATE TABLE public.customer_accounts_data (
    id integer PRIMARY KEY,
    email text NOT NULL,
    display_name text,
    deleted_at timestamptz
);

CREATE VIEW public.customer_accounts AS
SELECT id, email, display_name
FROM public.customer_accounts_data
WHERE deleted_at IS NULL;

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    account_id integer NOT NULL REFERENCES public.customer_accounts_data (id)
);

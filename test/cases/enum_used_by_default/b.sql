CREATE TYPE public.account_tier AS ENUM ('trial', 'free', 'pro');

CREATE TABLE public.accounts (
    id integer PRIMARY KEY,
    tier public.account_tier NOT NULL DEFAULT 'trial',
    previous_tier public.account_tier DEFAULT 'free'::public.account_tier
);

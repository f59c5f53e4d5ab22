-- column default switches to a newly added enum value; a second column gains an enum-typed default
CREATE TYPE public.account_tier AS ENUM ('free', 'pro');

CREATE TABLE public.accounts (
    id integer PRIMARY KEY,
    tier public.account_tier NOT NULL DEFAULT 'free',
    previous_tier public.account_tier
);

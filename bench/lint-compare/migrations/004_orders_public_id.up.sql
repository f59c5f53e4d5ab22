-- An id for order links that cannot be guessed.
alter table orders add column public_id uuid not null default gen_random_uuid();

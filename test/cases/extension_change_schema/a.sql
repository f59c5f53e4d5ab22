-- citext lives in public in A and in schema "ext" in B, with a column and a domain depending on it
CREATE EXTENSION citext;

CREATE DOMAIN public.email_address AS citext CHECK (position('@' in VALUE::text) > 1);

CREATE TABLE public.contacts (
    id integer PRIMARY KEY,
    email public.email_address NOT NULL,
    nickname citext
);

-- B creates extension citext and changes an email column from text to citext with a unique index
CREATE TABLE public.users (
    id integer PRIMARY KEY,
    email text NOT NULL
);

CREATE INDEX users_email_lower_idx ON public.users (lower(email));

CREATE EXTENSION citext;

CREATE TABLE public.users (
    id integer PRIMARY KEY,
    email citext NOT NULL
);

CREATE UNIQUE INDEX users_email_key ON public.users (email);

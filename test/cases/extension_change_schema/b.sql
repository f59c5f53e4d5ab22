CREATE SCHEMA ext;
CREATE EXTENSION citext SCHEMA ext;

CREATE DOMAIN public.email_address AS ext.citext CHECK (position('@' in VALUE::text) > 1);

CREATE TABLE public.contacts (
    id integer PRIMARY KEY,
    email public.email_address NOT NULL,
    nickname ext.citext
);

-- a domain in a non-public schema used by a column exists in A; B drops the domain and the column uses the base type
CREATE SCHEMA types;

CREATE DOMAIN types.phone AS text
    CHECK (VALUE ~ '^\+?[0-9 ]{6,20}$');

CREATE TABLE public.contacts (
    id integer PRIMARY KEY,
    phone types.phone
);

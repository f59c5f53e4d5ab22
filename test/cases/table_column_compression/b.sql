CREATE TABLE public.documents (
    id integer PRIMARY KEY,
    body text,
    summary text COMPRESSION pglz,
    raw bytea COMPRESSION pglz,
    notes text COMPRESSION pglz
);

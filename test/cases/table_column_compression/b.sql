CREATE TABLE public.documents (
    id integer PRIMARY KEY,
    body text COMPRESSION lz4,
    summary text COMPRESSION pglz,
    raw bytea,
    notes text COMPRESSION lz4
);

-- column compression (SET COMPRESSION) set, changed and reset, which pg_dump prints per column
CREATE TABLE public.documents (
    id integer PRIMARY KEY,
    body text COMPRESSION pglz,
    summary text,
    raw bytea COMPRESSION lz4
);

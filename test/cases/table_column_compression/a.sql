-- column compression (SET COMPRESSION) set and reset, which pg_dump prints per column; pglz only, which every server build has
CREATE TABLE public.documents (
    id integer PRIMARY KEY,
    body text COMPRESSION pglz,
    summary text,
    raw bytea COMPRESSION pglz
);

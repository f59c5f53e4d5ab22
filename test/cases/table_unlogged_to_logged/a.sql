-- a table is UNLOGGED in A and LOGGED in B, and another the other way round (one has an identity column and an index)
CREATE UNLOGGED TABLE public.sessions (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id integer NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE INDEX sessions_expires_at_idx ON public.sessions (expires_at);

CREATE TABLE public.page_hits (
    path text NOT NULL,
    hits bigint NOT NULL DEFAULT 0
);

-- B drops columns, including one with a default, one with a check and one indexed
CREATE TABLE public.customers (
    id integer PRIMARY KEY,
    name text NOT NULL,
    fax text,
    loyalty_points integer NOT NULL DEFAULT 0 CHECK (loyalty_points >= 0),
    legacy_code char(6)
);

CREATE INDEX customers_legacy_code_idx ON public.customers (legacy_code);

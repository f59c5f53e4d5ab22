CREATE TABLE public.products (
    id integer PRIMARY KEY,
    name text NOT NULL,
    code varchar(20) NOT NULL DEFAULT '',
    price numeric(10,2) NOT NULL DEFAULT 0.00,
    released_at timestamptz(3),
    tags text[] NOT NULL DEFAULT ARRAY[]::text[],
    flags bit(8) NOT NULL DEFAULT B'00000000',
    warranty interval day to second,
    is_active boolean NOT NULL DEFAULT true
);

-- two new tables that reference each other (cycle of foreign keys, one deferrable) next to a kept table
CREATE TABLE public.companies (
    id integer PRIMARY KEY,
    name text NOT NULL
);

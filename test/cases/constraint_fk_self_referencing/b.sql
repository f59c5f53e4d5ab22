CREATE TABLE public.categories (
    id integer PRIMARY KEY,
    parent_id integer REFERENCES public.categories (id) ON DELETE CASCADE,
    name text NOT NULL,
    CONSTRAINT categories_not_own_parent CHECK (parent_id IS DISTINCT FROM id)
);

CREATE TABLE public.employees (
    id integer PRIMARY KEY,
    manager_id integer REFERENCES public.employees (id) ON DELETE SET NULL DEFERRABLE
);

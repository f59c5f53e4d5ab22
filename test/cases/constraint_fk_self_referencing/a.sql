-- self-referencing foreign keys: a category tree gains a parent FK; employees manager FK changes action
CREATE TABLE public.categories (
    id integer PRIMARY KEY,
    parent_id integer,
    name text NOT NULL
);

CREATE TABLE public.employees (
    id integer PRIMARY KEY,
    manager_id integer REFERENCES public.employees (id)
);

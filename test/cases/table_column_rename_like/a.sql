-- one column dropped and another of the same type and constraints added (looks like a rename), with a dependent index
CREATE TABLE public.employees (
    id integer PRIMARY KEY,
    full_name text NOT NULL,
    email text NOT NULL
);

CREATE UNIQUE INDEX employees_email_idx ON public.employees (email);

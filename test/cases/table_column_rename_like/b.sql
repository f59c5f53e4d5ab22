CREATE TABLE public.employees (
    id integer PRIMARY KEY,
    full_name text NOT NULL,
    work_email text NOT NULL
);

CREATE UNIQUE INDEX employees_email_idx ON public.employees (work_email);

CREATE TABLE public.companies (
    id integer PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE public.departments (
    id integer PRIMARY KEY,
    company_id integer NOT NULL REFERENCES public.companies (id),
    head_employee_id integer
);

CREATE TABLE public.staff (
    id integer PRIMARY KEY,
    department_id integer NOT NULL REFERENCES public.departments (id)
);

ALTER TABLE public.departments
    ADD CONSTRAINT departments_head_employee_fk FOREIGN KEY (head_employee_id)
    REFERENCES public.staff (id) DEFERRABLE INITIALLY DEFERRED;

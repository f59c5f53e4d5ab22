-- check constraints added, changed (same name) and dropped, including a multi-column table check
CREATE TABLE public.promotions (
    id integer PRIMARY KEY,
    starts_on date NOT NULL,
    ends_on date,
    percent_off integer NOT NULL,
    code text NOT NULL,
    CONSTRAINT promotions_percent_off_check CHECK (percent_off BETWEEN 1 AND 100),
    CONSTRAINT promotions_code_upper CHECK (code = upper(code))
);

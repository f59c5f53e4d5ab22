CREATE TABLE public.promotions (
    id integer PRIMARY KEY,
    starts_on date NOT NULL,
    ends_on date,
    percent_off integer NOT NULL,
    code text NOT NULL,
    CONSTRAINT promotions_percent_off_check CHECK (percent_off BETWEEN 5 AND 50),
    CONSTRAINT promotions_dates CHECK (ends_on IS NULL OR ends_on > starts_on),
    CONSTRAINT promotions_code_length CHECK (length(code) BETWEEN 4 AND 12) NO INHERIT
);

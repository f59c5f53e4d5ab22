CREATE TABLE public.measurements (
    id integer PRIMARY KEY,
    amount numeric(12,4),
    taken_at timestamptz,
    flags bit(16),
    duration interval hour to minute,
    readings numeric(8,3)[],
    label varchar(40),
    code char(8)
);

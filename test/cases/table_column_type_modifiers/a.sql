-- type modifiers change: numeric(10,2)->numeric(12,4), timestamptz(3)->timestamptz, bit(8)->bit(16), interval fields, array dims
CREATE TABLE public.measurements (
    id integer PRIMARY KEY,
    amount numeric(10,2),
    taken_at timestamptz(3),
    flags bit(8),
    duration interval day to second,
    readings double precision[],
    label varchar(20),
    code char(4)
);

-- a sequence owned by a bigint column in A is owned by an integer column of another table in B; a second one moves from an integer to a text column
CREATE SEQUENCE public.ticket_no_seq;
CREATE SEQUENCE public.code_seq AS integer;

CREATE TABLE public.orders (
    id integer PRIMARY KEY,
    ticket_no bigint DEFAULT nextval('public.ticket_no_seq'),
    code_no integer DEFAULT nextval('public.code_seq')
);

CREATE TABLE public.tickets (
    id integer PRIMARY KEY,
    no integer DEFAULT nextval('public.ticket_no_seq'),
    code text DEFAULT 'C' || nextval('public.code_seq')
);

ALTER SEQUENCE public.ticket_no_seq OWNED BY public.orders.ticket_no;
ALTER SEQUENCE public.code_seq OWNED BY public.orders.code_no;

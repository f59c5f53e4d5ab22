-- a standalone sequence changes increment, minvalue, maxvalue, start, cache and cycle; another gains options
CREATE SEQUENCE public.ticket_no_seq;

CREATE SEQUENCE public.batch_seq
    INCREMENT BY 1
    MINVALUE 1
    MAXVALUE 1000
    START WITH 1
    CACHE 1
    NO CYCLE;

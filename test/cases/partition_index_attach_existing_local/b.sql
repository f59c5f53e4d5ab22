CREATE TABLE public.tickets (
    id bigint NOT NULL,
    status text NOT NULL,
    assignee integer
) PARTITION BY LIST (status);

CREATE TABLE public.tickets_open PARTITION OF public.tickets FOR VALUES IN ('open');
CREATE TABLE public.tickets_closed PARTITION OF public.tickets FOR VALUES IN ('closed');

CREATE INDEX tickets_open_assignee ON public.tickets_open (assignee);
CREATE INDEX tickets_assignee_idx ON public.tickets (assignee);

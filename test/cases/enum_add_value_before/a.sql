-- enum gains a value in the middle (ADD VALUE BEFORE), used by a column with a default
CREATE TYPE public.ticket_priority AS ENUM ('low', 'high', 'urgent');

CREATE TABLE public.tickets (
    id integer PRIMARY KEY,
    priority public.ticket_priority NOT NULL DEFAULT 'low'
);

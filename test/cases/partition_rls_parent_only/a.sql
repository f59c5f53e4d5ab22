-- row-level security and policies on partitioned parents only (they do not reach the partitions): one parent gains them in B, the other changes a policy and adds one
CREATE TABLE public.messages (
    id bigint NOT NULL,
    sent_on date NOT NULL,
    sender name NOT NULL DEFAULT current_user,
    recipient name NOT NULL
) PARTITION BY RANGE (sent_on);

CREATE TABLE public.messages_2024 PARTITION OF public.messages
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

ALTER TABLE public.messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY messages_read ON public.messages FOR SELECT
    USING (sender = current_user);

CREATE TABLE public.notes (
    id bigint NOT NULL,
    written_on date NOT NULL,
    author name NOT NULL DEFAULT current_user
) PARTITION BY RANGE (written_on);

CREATE TABLE public.notes_2024 PARTITION OF public.notes
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');

CREATE TABLE public.documents (
    id bigint NOT NULL,
    created_on date NOT NULL,
    owner name NOT NULL DEFAULT current_user,
    body text
) PARTITION BY RANGE (created_on);

CREATE TABLE public.documents_2024 PARTITION OF public.documents
    FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE public.documents_2025 PARTITION OF public.documents
    FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

ALTER TABLE public.documents_2024 ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.documents_2024 FORCE ROW LEVEL SECURITY;
CREATE POLICY documents_2024_owner ON public.documents_2024
    USING (owner = current_user);
CREATE POLICY documents_2024_insert ON public.documents_2024 FOR INSERT
    WITH CHECK (owner = current_user AND body IS NOT NULL);

-- row-level security enabled, forced and given policies on one partition only (not on the parent nor the other partition)
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

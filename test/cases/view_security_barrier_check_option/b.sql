CREATE TABLE public.documents (
    id integer PRIMARY KEY,
    owner_name text NOT NULL,
    is_public boolean NOT NULL DEFAULT false,
    title text NOT NULL
);

CREATE VIEW public.public_documents WITH (security_invoker = true) AS
SELECT id, owner_name, is_public, title
FROM public.documents
WHERE is_public
WITH CHECK OPTION;

CREATE VIEW public.public_documents_titled WITH (security_barrier = true) AS
SELECT id, owner_name, is_public, title
FROM public.public_documents
WHERE title <> ''
WITH CASCADED CHECK OPTION;

-- view options: security_barrier on/off, WITH LOCAL vs CASCADED CHECK OPTION, security_invoker
CREATE TABLE public.documents (
    id integer PRIMARY KEY,
    owner_name text NOT NULL,
    is_public boolean NOT NULL DEFAULT false,
    title text NOT NULL
);

CREATE VIEW public.public_documents WITH (security_barrier) AS
SELECT id, owner_name, is_public, title
FROM public.documents
WHERE is_public;

CREATE VIEW public.public_documents_titled AS
SELECT id, owner_name, is_public, title
FROM public.public_documents
WHERE title <> ''
WITH LOCAL CHECK OPTION;

SET LOCAL check_function_bodies = off;

DROP TRIGGER "docs_touch" ON "public"."docs";

CREATE OR REPLACE FUNCTION public.touch()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$ begin new.updated_at := now(); return new; end $function$;

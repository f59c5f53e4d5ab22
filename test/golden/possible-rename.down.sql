-- NOTE: possible rename: display_name is dropped and has the same type; to keep its data, replace the DROP and the ADD with:
-- NOTE:   ALTER TABLE "public"."customers" RENAME COLUMN "display_name" TO "fullname";
ALTER TABLE "public"."customers" ADD COLUMN "fullname" text;

-- WARNING: drops column public.customers.display_name and its data
ALTER TABLE "public"."customers" DROP COLUMN "display_name";

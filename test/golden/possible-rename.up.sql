-- NOTE: possible rename: fullname is dropped and has the same type; to keep its data, replace the DROP and the ADD with:
-- NOTE:   ALTER TABLE "public"."customers" RENAME COLUMN "fullname" TO "display_name";
ALTER TABLE "public"."customers" ADD COLUMN "display_name" text;

-- WARNING: drops column public.customers.fullname and its data
ALTER TABLE "public"."customers" DROP COLUMN "fullname";

-- NOTE: a value added by ALTER TYPE ... ADD VALUE cannot be used until the transaction that adds it commits
ALTER TYPE "public"."status" ADD VALUE 'void' AFTER 'paid';

-- WARNING: removes values 'm' from public.size: converting a column fails while a row holds one
ALTER TYPE "public"."size" RENAME TO "size__tinymigrate_old";

CREATE TYPE "public"."size" AS ENUM ('s', 'l');

-- NOTE: rewrites public.t while holding an exclusive lock
ALTER TABLE "public"."t" ALTER COLUMN "z" TYPE public.size USING "z"::text::public.size;

DROP TYPE "public"."size__tinymigrate_old";

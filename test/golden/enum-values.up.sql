-- NOTE: a value added by ALTER TYPE ... ADD VALUE cannot be used until the transaction that adds it commits
ALTER TYPE "public"."size" ADD VALUE 'm' AFTER 's';

ALTER TABLE "public"."t" ALTER COLUMN "s" DROP DEFAULT;

-- WARNING: removes values 'void' from public.status: converting a column fails while a row holds one
ALTER TYPE "public"."status" RENAME TO "status__tinymigrate_old";

CREATE TYPE "public"."status" AS ENUM ('new', 'paid');

-- NOTE: rewrites public.t while holding an exclusive lock
ALTER TABLE "public"."t" ALTER COLUMN "s" TYPE public.status USING "s"::text::public.status;

ALTER TABLE "public"."t" ALTER COLUMN "s" SET DEFAULT 'new'::public.status;

DROP TYPE "public"."status__tinymigrate_old";

-- NOTE: recreated: columns
DROP VIEW "public"."cheap";

-- NOTE: rewrites public.items while holding an exclusive lock
ALTER TABLE "public"."items" ALTER COLUMN "id" TYPE bigint USING "id"::bigint;

-- WARNING: narrows public.items.code from character varying(50) to character varying(10): values that do not fit make it fail
ALTER TABLE "public"."items" ALTER COLUMN "code" TYPE character varying(10) USING "code"::character varying(10);

-- NOTE: scans public.items while holding an exclusive lock; on a large table first add CHECK ("qty" IS NOT NULL) NOT VALID and VALIDATE it in an earlier migration
ALTER TABLE "public"."items" ALTER COLUMN "qty" SET NOT NULL;

-- NOTE: the cast from text to numeric fails if a value cannot be converted
-- NOTE: rewrites public.items while holding an exclusive lock
ALTER TABLE "public"."items" ALTER COLUMN "price" TYPE numeric USING "price"::numeric;

CREATE VIEW "public"."cheap" AS
SELECT items.id,
    items.code
   FROM public.items
  WHERE items.qty > 0;

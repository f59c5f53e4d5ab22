-- NOTE: recreated: columns
DROP VIEW "public"."cheap";

-- WARNING: narrows public.items.id from bigint to integer: values that do not fit make it fail
-- NOTE: rewrites public.items while holding an exclusive lock
ALTER TABLE "public"."items" ALTER COLUMN "id" TYPE integer USING "id"::integer;

ALTER TABLE "public"."items" ALTER COLUMN "code" TYPE character varying(50) USING "code"::character varying(50);

ALTER TABLE "public"."items" ALTER COLUMN "qty" DROP NOT NULL;

-- NOTE: rewrites public.items while holding an exclusive lock
ALTER TABLE "public"."items" ALTER COLUMN "price" TYPE text USING "price"::text;

CREATE VIEW "public"."cheap" AS
SELECT items.id,
    items.code
   FROM public.items
  WHERE items.qty > 0;

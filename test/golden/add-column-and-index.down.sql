ALTER TABLE "public"."orders" DROP CONSTRAINT "orders_total_check";

DROP INDEX "public"."orders_status_idx";

-- WARNING: drops column public.orders.status and its data
ALTER TABLE "public"."orders" DROP COLUMN "status";

-- WARNING: drops column public.orders.note and its data
ALTER TABLE "public"."orders" DROP COLUMN "note";

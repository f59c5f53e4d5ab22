ALTER TABLE "public"."orders" ADD COLUMN "status" text DEFAULT 'new'::text NOT NULL;

ALTER TABLE "public"."orders" ADD COLUMN "note" text;

-- NOTE: validating the constraint scans public.orders while holding a lock; on a large table add it NOT VALID here and run ALTER TABLE ... VALIDATE CONSTRAINT "orders_total_check" in a later migration
ALTER TABLE "public"."orders" ADD CONSTRAINT "orders_total_check" CHECK ((total >= (0)::numeric));

-- NOTE: builds the index while holding a lock that blocks writes to public.orders; on a large table use instead, in its own migration with -- tinymigrate:no-transaction:
-- NOTE:   CREATE INDEX CONCURRENTLY orders_status_idx ON public.orders USING btree (status);
CREATE INDEX orders_status_idx ON public.orders USING btree (status);

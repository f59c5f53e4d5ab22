CREATE TABLE "public"."invoices" (
  "id" integer GENERATED ALWAYS AS IDENTITY,
  "customer_id" integer NOT NULL,
  "amount" numeric(12,2) NOT NULL,
  CONSTRAINT "invoices_pkey" PRIMARY KEY (id)
);

COMMENT ON TABLE "public"."invoices" IS 'One row per invoice sent';

ALTER TABLE "public"."invoices" ADD CONSTRAINT "invoices_customer_id_fkey" FOREIGN KEY (customer_id) REFERENCES public.customers(id) ON DELETE CASCADE;

CREATE VIEW "public"."invoice_totals" AS
SELECT invoices.customer_id,
    sum(invoices.amount) AS total
   FROM public.invoices
  GROUP BY invoices.customer_id;

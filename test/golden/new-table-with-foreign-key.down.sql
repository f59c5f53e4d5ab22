DROP VIEW "public"."invoice_totals";

-- WARNING: drops table public.invoices and all its rows
DROP TABLE "public"."invoices";

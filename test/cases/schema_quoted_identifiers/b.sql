CREATE SCHEMA "Sales Dept";

CREATE TYPE "Sales Dept"."Order State" AS ENUM ('new', 'on hold', 'it''s shipped', 'Returned "Late"');

CREATE TABLE "Sales Dept"."Order ""Lines""" (
    "Line ID" integer PRIMARY KEY,
    "Unit Price" numeric(12,2) NOT NULL,
    "State" "Sales Dept"."Order State" NOT NULL DEFAULT 'on hold',
    "Quantity ""Ordered""" integer NOT NULL DEFAULT 1,
    CONSTRAINT "Positive Price!" CHECK ("Unit Price" > 0)
);

CREATE INDEX "Idx Unit Price" ON "Sales Dept"."Order ""Lines""" ("Unit Price" DESC);

CREATE VIEW "Sales Dept"."Open ""Lines"" View" AS
SELECT "Line ID", "Unit Price" * "Quantity ""Ordered""" AS "Line Total"
FROM "Sales Dept"."Order ""Lines"""
WHERE "State" <> 'it''s shipped';

COMMENT ON TABLE "Sales Dept"."Order ""Lines""" IS 'Lines with a "quoted" name; it''s tricky';

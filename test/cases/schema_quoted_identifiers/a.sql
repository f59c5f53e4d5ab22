-- quoted identifiers with spaces, capitals and embedded quotes in schema, table, column, index, enum and constraint names
CREATE SCHEMA "Sales Dept";

CREATE TYPE "Sales Dept"."Order State" AS ENUM ('new', 'on hold', 'it''s shipped');

CREATE TABLE "Sales Dept"."Order ""Lines""" (
    "Line ID" integer PRIMARY KEY,
    "Unit Price" numeric(10,2) NOT NULL,
    "State" "Sales Dept"."Order State" NOT NULL DEFAULT 'new',
    lower_case text
);

CREATE INDEX "Idx Unit Price" ON "Sales Dept"."Order ""Lines""" ("Unit Price");

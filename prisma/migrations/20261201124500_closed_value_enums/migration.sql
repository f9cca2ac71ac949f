-- Three closed sets stored as text become enums, so the database refuses any other value whoever
-- writes, and the API serves each as a GraphQL enum. Columns keep their data: values in another case
-- or with stray spaces are read as the value they name; any other value stops the migration, naming
-- the column and the values to correct (none of these columns hold patient data).

-- CreateEnum
CREATE TYPE "CodingGroupStatus" AS ENUM ('draft', 'finalized');

-- CreateEnum
CREATE TYPE "ProcedureCodeType" AS ENUM ('CPT', 'HCPCS');

-- CreateEnum
CREATE TYPE "ScanSourceType" AS ENUM ('product_packaging', 'manual');

DO $$
DECLARE
  unknown text;
BEGIN
  SELECT string_agg(DISTINCT quote_literal(left("status", 40)), ', ') INTO unknown
    FROM "CodingGroup" WHERE lower(btrim("status")) NOT IN ('draft', 'finalized');
  IF unknown IS NOT NULL THEN
    RAISE EXCEPTION 'CodingGroup.status holds % besides draft and finalized: correct those rows, then migrate again.', unknown;
  END IF;
  SELECT string_agg(DISTINCT quote_literal(left("codeType", 40)), ', ') INTO unknown
    FROM "LineItem" WHERE upper(btrim("codeType")) NOT IN ('CPT', 'HCPCS');
  IF unknown IS NOT NULL THEN
    RAISE EXCEPTION 'LineItem.codeType holds % besides CPT and HCPCS: correct those rows, then migrate again.', unknown;
  END IF;
  SELECT string_agg(DISTINCT quote_literal(left("scanSourceType", 40)), ', ') INTO unknown
    FROM "InventoryChangeItem" WHERE lower(btrim("scanSourceType")) NOT IN ('product_packaging', 'manual');
  IF unknown IS NOT NULL THEN
    RAISE EXCEPTION 'InventoryChangeItem.scanSourceType holds % besides product_packaging and manual: correct those rows, then migrate again.', unknown;
  END IF;
END $$;

-- AlterTable
ALTER TABLE "CodingGroup" ALTER COLUMN "status" TYPE "CodingGroupStatus" USING lower(btrim("status"))::"CodingGroupStatus";

-- AlterTable
ALTER TABLE "LineItem" ALTER COLUMN "codeType" TYPE "ProcedureCodeType" USING upper(btrim("codeType"))::"ProcedureCodeType";

-- AlterTable
ALTER TABLE "InventoryChangeItem" ALTER COLUMN "scanSourceType" TYPE "ScanSourceType" USING lower(btrim("scanSourceType"))::"ScanSourceType";

-- CreateEnum
CREATE TYPE "ChangeOperation" AS ENUM ('insert', 'update', 'delete');

-- CreateEnum
CREATE TYPE "WebhookSubscriptionStatus" AS ENUM ('active', 'paused');

-- CreateEnum
CREATE TYPE "WebhookDeliveryStatus" AS ENUM ('queued', 'pending', 'delivered', 'failed', 'skipped', 'held');

-- CreateTable
CREATE TABLE "ChangeLog" (
    "position" BIGSERIAL NOT NULL,
    "transactionId" BIGINT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "operation" "ChangeOperation" NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChangeLog_pkey" PRIMARY KEY ("position")
);

-- CreateTable
CREATE TABLE "ChangeLogRetention" (
    "id" INTEGER NOT NULL,
    "purgedBefore" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ChangeLogRetention_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDispatchState" (
    "id" INTEGER NOT NULL,
    "transactionId" BIGINT NOT NULL,
    "position" BIGINT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookDispatchState_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookSubscription" (
    "id" TEXT NOT NULL,
    "installationId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "eventTypes" TEXT[],
    "description" TEXT,
    "secretCiphertext" TEXT NOT NULL,
    "secretPrefix" TEXT NOT NULL,
    "status" "WebhookSubscriptionStatus" NOT NULL DEFAULT 'active',
    "pausedReason" TEXT,
    "pausedAt" TIMESTAMP(3),
    "consecutiveFailures" INTEGER NOT NULL DEFAULT 0,
    "failingSince" TIMESTAMP(3),
    "lastSuccessAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookSubscription_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" TEXT NOT NULL,
    "subscriptionId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "changePosition" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "operation" "ChangeOperation" NOT NULL,
    "changedAt" TIMESTAMP(3) NOT NULL,
    "status" "WebhookDeliveryStatus" NOT NULL DEFAULT 'pending',
    "statusReason" TEXT,
    "attemptCount" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookAttempt" (
    "id" TEXT NOT NULL,
    "deliveryId" TEXT NOT NULL,
    "attemptedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "statusCode" INTEGER,
    "latencyMs" INTEGER NOT NULL,
    "error" TEXT,
    "succeeded" BOOLEAN NOT NULL,

    CONSTRAINT "WebhookAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChangeLog_organizationId_transactionId_position_idx" ON "ChangeLog"("organizationId", "transactionId", "position");

-- CreateIndex
CREATE INDEX "ChangeLog_changedAt_idx" ON "ChangeLog" USING BRIN ("changedAt");

-- CreateIndex
CREATE INDEX "WebhookSubscription_organizationId_status_idx" ON "WebhookSubscription"("organizationId", "status");

-- CreateIndex
CREATE INDEX "WebhookSubscription_installationId_idx" ON "WebhookSubscription"("installationId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_subscriptionId_createdAt_idx" ON "WebhookDelivery"("subscriptionId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_subscriptionId_status_idx" ON "WebhookDelivery"("subscriptionId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "WebhookDelivery_subscriptionId_changePosition_key" ON "WebhookDelivery"("subscriptionId", "changePosition");

-- CreateIndex
CREATE INDEX "WebhookAttempt_deliveryId_attemptedAt_idx" ON "WebhookAttempt"("deliveryId", "attemptedAt");

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_subscriptionId_fkey" FOREIGN KEY ("subscriptionId") REFERENCES "WebhookSubscription"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookAttempt" ADD CONSTRAINT "WebhookAttempt_deliveryId_fkey" FOREIGN KEY ("deliveryId") REFERENCES "WebhookDelivery"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Change capture (hand-written; Prisma models tables, not triggers). Every insert, update and delete
-- of clinic data appends to "ChangeLog" in the writing transaction, whoever writes (the API never
-- does; the platform syncs from EHRs). Statement-level triggers with transition tables: a bulk write
-- costs one INSERT … SELECT per statement, not one trigger call per row. An update that changes
-- nothing is not a change. Instants are UTC, as everywhere in this schema.
CREATE FUNCTION clinicgraph_capture_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tx bigint := pg_current_xact_id()::text::bigint;
  at timestamp(3) := now() AT TIME ZONE 'UTC';
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "ChangeLog" ("transactionId", "organizationId", "type", "entityId", "operation", "changedAt")
    SELECT tx, n."organizationId", TG_ARGV[0], n."id", 'insert', at FROM new_rows n;
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "ChangeLog" ("transactionId", "organizationId", "type", "entityId", "operation", "changedAt")
    SELECT tx, n."organizationId", TG_ARGV[0], n."id", 'update', at
    FROM new_rows n JOIN old_rows o ON o."id" = n."id"
    WHERE n IS DISTINCT FROM o;
  ELSE
    INSERT INTO "ChangeLog" ("transactionId", "organizationId", "type", "entityId", "operation", "changedAt")
    SELECT tx, o."organizationId", TG_ARGV[0], o."id", 'delete', at FROM old_rows o;
  END IF;
  RETURN NULL;
END
$$;

-- A line item's diagnosis pointers are part of the line item (LineItem.linkedDiagnoses): a change
-- to them is an update of the line item, unless the line item itself is gone (a cascade from its
-- deletion, already logged as a delete).
CREATE FUNCTION clinicgraph_capture_line_item_link() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  tx bigint := pg_current_xact_id()::text::bigint;
  at timestamp(3) := now() AT TIME ZONE 'UTC';
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "ChangeLog" ("transactionId", "organizationId", "type", "entityId", "operation", "changedAt")
    SELECT tx, l."organizationId", 'LineItem', l."id", 'update', at FROM "LineItem" l
    WHERE (l."organizationId", l."id") IN (SELECT n."organizationId", n."lineItemId" FROM new_rows n)
      -- Pointers written with their line item belong to its insert.
      AND NOT EXISTS (SELECT 1 FROM "ChangeLog" c WHERE c."organizationId" = l."organizationId" AND c."transactionId" = tx
                      AND c."entityId" = l."id" AND c."operation" = 'insert');
  ELSIF TG_OP = 'UPDATE' THEN
    INSERT INTO "ChangeLog" ("transactionId", "organizationId", "type", "entityId", "operation", "changedAt")
    SELECT tx, l."organizationId", 'LineItem', l."id", 'update', at FROM "LineItem" l
    WHERE (l."organizationId", l."id") IN (
      SELECT n."organizationId", n."lineItemId" FROM new_rows n
      UNION SELECT o."organizationId", o."lineItemId" FROM old_rows o);
  ELSE
    INSERT INTO "ChangeLog" ("transactionId", "organizationId", "type", "entityId", "operation", "changedAt")
    SELECT tx, l."organizationId", 'LineItem', l."id", 'update', at FROM "LineItem" l
    WHERE (l."organizationId", l."id") IN (SELECT o."organizationId", o."lineItemId" FROM old_rows o);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "Facility_capture_insert" AFTER INSERT ON "Facility" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Facility');
CREATE TRIGGER "Facility_capture_update" AFTER UPDATE ON "Facility" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Facility');
CREATE TRIGGER "Facility_capture_delete" AFTER DELETE ON "Facility" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Facility');

CREATE TRIGGER "Provider_capture_insert" AFTER INSERT ON "Provider" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Provider');
CREATE TRIGGER "Provider_capture_update" AFTER UPDATE ON "Provider" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Provider');
CREATE TRIGGER "Provider_capture_delete" AFTER DELETE ON "Provider" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Provider');

CREATE TRIGGER "Patient_capture_insert" AFTER INSERT ON "Patient" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Patient');
CREATE TRIGGER "Patient_capture_update" AFTER UPDATE ON "Patient" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Patient');
CREATE TRIGGER "Patient_capture_delete" AFTER DELETE ON "Patient" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Patient');

CREATE TRIGGER "Appointment_capture_insert" AFTER INSERT ON "Appointment" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Appointment');
CREATE TRIGGER "Appointment_capture_update" AFTER UPDATE ON "Appointment" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Appointment');
CREATE TRIGGER "Appointment_capture_delete" AFTER DELETE ON "Appointment" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Appointment');

CREATE TRIGGER "Bill_capture_insert" AFTER INSERT ON "Bill" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Bill');
CREATE TRIGGER "Bill_capture_update" AFTER UPDATE ON "Bill" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Bill');
CREATE TRIGGER "Bill_capture_delete" AFTER DELETE ON "Bill" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Bill');

CREATE TRIGGER "CodingGroup_capture_insert" AFTER INSERT ON "CodingGroup" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('CodingGroup');
CREATE TRIGGER "CodingGroup_capture_update" AFTER UPDATE ON "CodingGroup" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('CodingGroup');
CREATE TRIGGER "CodingGroup_capture_delete" AFTER DELETE ON "CodingGroup" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('CodingGroup');

CREATE TRIGGER "Diagnosis_capture_insert" AFTER INSERT ON "Diagnosis" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Diagnosis');
CREATE TRIGGER "Diagnosis_capture_update" AFTER UPDATE ON "Diagnosis" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Diagnosis');
CREATE TRIGGER "Diagnosis_capture_delete" AFTER DELETE ON "Diagnosis" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Diagnosis');

CREATE TRIGGER "LineItem_capture_insert" AFTER INSERT ON "LineItem" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('LineItem');
CREATE TRIGGER "LineItem_capture_update" AFTER UPDATE ON "LineItem" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('LineItem');
CREATE TRIGGER "LineItem_capture_delete" AFTER DELETE ON "LineItem" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('LineItem');

CREATE TRIGGER "LineItemModifier_capture_insert" AFTER INSERT ON "LineItemModifier" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('LineItemModifier');
CREATE TRIGGER "LineItemModifier_capture_update" AFTER UPDATE ON "LineItemModifier" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('LineItemModifier');
CREATE TRIGGER "LineItemModifier_capture_delete" AFTER DELETE ON "LineItemModifier" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('LineItemModifier');

CREATE TRIGGER "Claim_capture_insert" AFTER INSERT ON "Claim" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Claim');
CREATE TRIGGER "Claim_capture_update" AFTER UPDATE ON "Claim" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Claim');
CREATE TRIGGER "Claim_capture_delete" AFTER DELETE ON "Claim" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Claim');

CREATE TRIGGER "ClaimInsurance_capture_insert" AFTER INSERT ON "ClaimInsurance" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('ClaimInsurance');
CREATE TRIGGER "ClaimInsurance_capture_update" AFTER UPDATE ON "ClaimInsurance" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('ClaimInsurance');
CREATE TRIGGER "ClaimInsurance_capture_delete" AFTER DELETE ON "ClaimInsurance" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('ClaimInsurance');

CREATE TRIGGER "Product_capture_insert" AFTER INSERT ON "Product" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Product');
CREATE TRIGGER "Product_capture_update" AFTER UPDATE ON "Product" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Product');
CREATE TRIGGER "Product_capture_delete" AFTER DELETE ON "Product" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('Product');

CREATE TRIGGER "InventoryChange_capture_insert" AFTER INSERT ON "InventoryChange" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('InventoryChange');
CREATE TRIGGER "InventoryChange_capture_update" AFTER UPDATE ON "InventoryChange" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('InventoryChange');
CREATE TRIGGER "InventoryChange_capture_delete" AFTER DELETE ON "InventoryChange" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('InventoryChange');

CREATE TRIGGER "InventoryChangeItem_capture_insert" AFTER INSERT ON "InventoryChangeItem" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('InventoryChangeItem');
CREATE TRIGGER "InventoryChangeItem_capture_update" AFTER UPDATE ON "InventoryChangeItem" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('InventoryChangeItem');
CREATE TRIGGER "InventoryChangeItem_capture_delete" AFTER DELETE ON "InventoryChangeItem" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('InventoryChangeItem');

CREATE TRIGGER "StockLevel_capture_insert" AFTER INSERT ON "StockLevel" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('StockLevel');
CREATE TRIGGER "StockLevel_capture_update" AFTER UPDATE ON "StockLevel" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('StockLevel');
CREATE TRIGGER "StockLevel_capture_delete" AFTER DELETE ON "StockLevel" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_change('StockLevel');

CREATE TRIGGER "LineItemDiagnosis_capture_insert" AFTER INSERT ON "LineItemDiagnosis" REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_line_item_link();
CREATE TRIGGER "LineItemDiagnosis_capture_update" AFTER UPDATE ON "LineItemDiagnosis" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_line_item_link();
CREATE TRIGGER "LineItemDiagnosis_capture_delete" AFTER DELETE ON "LineItemDiagnosis" REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION clinicgraph_capture_line_item_link();

-- The dispatcher starts at the beginning of the log; nothing has been purged yet.
INSERT INTO "WebhookDispatchState" ("id", "transactionId", "position", "updatedAt") VALUES (1, 0, 0, now() AT TIME ZONE 'UTC');
INSERT INTO "ChangeLogRetention" ("id", "purgedBefore") VALUES (1, '1970-01-01');

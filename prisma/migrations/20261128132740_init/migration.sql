-- CreateEnum
CREATE TYPE "AppointmentStatus" AS ENUM ('scheduled', 'confirmed', 'checked_in', 'completed', 'cancelled', 'no_show');

-- CreateEnum
CREATE TYPE "BillingType" AS ENUM ('professional', 'institutional');

-- CreateEnum
CREATE TYPE "ClaimStatus" AS ENUM ('draft', 'submitted', 'accepted', 'rejected', 'paid', 'denied');

-- CreateEnum
CREATE TYPE "ProductType" AS ENUM ('drug', 'supply', 'device', 'biologic', 'cosmetic');

-- CreateEnum
CREATE TYPE "InventoryChangeType" AS ENUM ('receiving', 'adjustment', 'transfer', 'waste');

-- CreateEnum
CREATE TYPE "InventoryChangeStatus" AS ENUM ('open', 'closed');

-- CreateTable
CREATE TABLE "Organization" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "App" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "declaredScopes" TEXT[],
    "liveVersionId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "App_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppVersion" (
    "id" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "scopes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AppVersion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InstallationRecord" (
    "id" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "grantedScopes" TEXT[],
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "uninstalledAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InstallationRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InstallationEvent" (
    "id" TEXT NOT NULL,
    "installationId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "grantedScopes" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InstallationEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "name" TEXT,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "scopes" TEXT[],
    "test" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "lastUsedAt" TIMESTAMP(3),
    "replacedById" TEXT,

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Facility" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "specialty" TEXT,
    "isVisible" BOOLEAN NOT NULL DEFAULT true,
    "organizationNpi" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Facility_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Provider" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "displayFirstName" TEXT NOT NULL,
    "displayLastName" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "roles" TEXT[],
    "individualNpi" TEXT,
    "canFinalize" BOOLEAN NOT NULL DEFAULT false,
    "canCosign" BOOLEAN NOT NULL DEFAULT false,
    "hidden" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Provider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Patient" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "mrn" TEXT,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "middleName" TEXT,
    "gender" TEXT,
    "dateOfBirth" DATE,
    "email" TEXT,
    "phone" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Patient_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Appointment" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "facilityId" TEXT NOT NULL,
    "scheduledStartDate" TIMESTAMP(3) NOT NULL,
    "scheduledEndDate" TIMESTAMP(3) NOT NULL,
    "status" "AppointmentStatus" NOT NULL,
    "isNewPatient" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Appointment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Bill" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "humanId" TEXT NOT NULL,
    "dateOfService" DATE NOT NULL,
    "billingType" "BillingType" NOT NULL,
    "isCosmetic" BOOLEAN NOT NULL DEFAULT false,
    "isBillable" BOOLEAN NOT NULL DEFAULT true,
    "virtualEncounter" BOOLEAN NOT NULL DEFAULT false,
    "isEmCodingEnabled" BOOLEAN NOT NULL DEFAULT false,
    "patientId" TEXT NOT NULL,
    "primaryProviderId" TEXT NOT NULL,
    "billUnderProviderId" TEXT NOT NULL,
    "facilityId" TEXT NOT NULL,
    "specialty" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Bill_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CodingGroup" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "billId" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CodingGroup_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Diagnosis" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "codingGroupId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "codeRevision" TEXT NOT NULL DEFAULT 'ICD-10-CM',

    CONSTRAINT "Diagnosis_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LineItem" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "codingGroupId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "codeType" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "units" INTEGER NOT NULL,
    "charge" DECIMAL(12,2) NOT NULL,
    "totalCharge" DECIMAL(12,2) NOT NULL,
    "balance" DECIMAL(12,2) NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "LineItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LineItemModifier" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "LineItemModifier_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LineItemDiagnosis" (
    "organizationId" TEXT NOT NULL,
    "lineItemId" TEXT NOT NULL,
    "diagnosisId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "LineItemDiagnosis_pkey" PRIMARY KEY ("lineItemId","diagnosisId")
);

-- CreateTable
CREATE TABLE "Claim" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "billId" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "facilityId" TEXT NOT NULL,
    "renderingProviderId" TEXT NOT NULL,
    "billingProviderId" TEXT NOT NULL,
    "claimAmount" DECIMAL(12,2) NOT NULL,
    "balance" DECIMAL(12,2) NOT NULL,
    "claimStatus" "ClaimStatus" NOT NULL,
    "submittedDate" DATE,
    "claimCreatedDate" DATE NOT NULL,
    "dateOfService" DATE NOT NULL,
    "cliaNumber" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Claim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ClaimInsurance" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "claimId" TEXT NOT NULL,
    "payerName" TEXT NOT NULL,
    "planName" TEXT NOT NULL,
    "policyType" TEXT NOT NULL,
    "isPrimary" BOOLEAN NOT NULL,
    "memberId" TEXT NOT NULL,
    "groupNumber" TEXT,
    "policyNumber" TEXT NOT NULL,
    "subscriberName" TEXT NOT NULL,
    "copayAmount" DECIMAL(12,2) NOT NULL,
    "deductibleRemaining" DECIMAL(12,2) NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "ClaimInsurance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Product" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "gtin" TEXT,
    "additionalGtins" TEXT[],
    "customBarcode" TEXT,
    "ndc" TEXT,
    "name" TEXT NOT NULL,
    "manufacturer" TEXT,
    "type" "ProductType" NOT NULL,
    "description" TEXT,
    "unitOfMeasure" TEXT NOT NULL,
    "quantityPerUnit" INTEGER NOT NULL DEFAULT 1,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "archivedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Product_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InventoryChange" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "facilityId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "type" "InventoryChangeType" NOT NULL,
    "status" "InventoryChangeStatus" NOT NULL,
    "notes" TEXT,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InventoryChange_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InventoryChangeItem" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "changeId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "scanSourceType" TEXT NOT NULL,
    "rawBarcode" TEXT,
    "gtin" TEXT,
    "lotNumber" TEXT,
    "expirationDate" DATE,
    "serialNumber" TEXT,
    "quantity" INTEGER NOT NULL,
    "parsedFields" JSONB NOT NULL DEFAULT '{}',
    "notes" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InventoryChangeItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StockLevel" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "facilityId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StockLevel_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PhiAccess" (
    "id" TEXT NOT NULL,
    "organizationId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "apiKeyId" TEXT NOT NULL,
    "installationId" TEXT NOT NULL,
    "operationName" TEXT,
    "documentHash" TEXT NOT NULL,
    "traceId" TEXT NOT NULL,
    "patientIds" TEXT[],
    "fieldPaths" TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PhiAccess_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ScopeUsage" (
    "installationId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "requests" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ScopeUsage_pkey" PRIMARY KEY ("installationId","scope","day")
);

-- CreateIndex
CREATE UNIQUE INDEX "App_slug_key" ON "App"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "AppVersion_appId_number_key" ON "AppVersion"("appId", "number");

-- CreateIndex
CREATE INDEX "InstallationRecord_organizationId_idx" ON "InstallationRecord"("organizationId");

-- CreateIndex
CREATE UNIQUE INDEX "InstallationRecord_appId_organizationId_key" ON "InstallationRecord"("appId", "organizationId");

-- CreateIndex
CREATE INDEX "InstallationEvent_installationId_createdAt_idx" ON "InstallationEvent"("installationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_secretHash_key" ON "ApiKey"("secretHash");

-- CreateIndex
CREATE INDEX "ApiKey_appId_idx" ON "ApiKey"("appId");

-- CreateIndex
CREATE INDEX "Facility_organizationId_name_id_idx" ON "Facility"("organizationId", "name", "id");

-- CreateIndex
CREATE INDEX "Facility_organizationId_isVisible_name_idx" ON "Facility"("organizationId", "isVisible", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Facility_organizationId_id_key" ON "Facility"("organizationId", "id");

-- CreateIndex
CREATE INDEX "Provider_organizationId_lastName_firstName_id_idx" ON "Provider"("organizationId", "lastName", "firstName", "id");

-- CreateIndex
CREATE INDEX "Provider_organizationId_hidden_lastName_idx" ON "Provider"("organizationId", "hidden", "lastName");

-- CreateIndex
CREATE INDEX "Provider_roles_idx" ON "Provider" USING GIN ("roles");

-- CreateIndex
CREATE UNIQUE INDEX "Provider_organizationId_id_key" ON "Provider"("organizationId", "id");

-- CreateIndex
CREATE INDEX "Patient_organizationId_lastName_firstName_id_idx" ON "Patient"("organizationId", "lastName", "firstName", "id");

-- CreateIndex
CREATE INDEX "Patient_organizationId_mrn_idx" ON "Patient"("organizationId", "mrn");

-- CreateIndex
CREATE INDEX "Patient_organizationId_email_idx" ON "Patient"("organizationId", "email");

-- CreateIndex
CREATE INDEX "Patient_organizationId_phone_idx" ON "Patient"("organizationId", "phone");

-- CreateIndex
CREATE UNIQUE INDEX "Patient_organizationId_id_key" ON "Patient"("organizationId", "id");

-- CreateIndex
CREATE INDEX "Appointment_organizationId_scheduledStartDate_id_idx" ON "Appointment"("organizationId", "scheduledStartDate", "id");

-- CreateIndex
CREATE INDEX "Appointment_organizationId_status_scheduledStartDate_id_idx" ON "Appointment"("organizationId", "status", "scheduledStartDate", "id");

-- CreateIndex
CREATE INDEX "Appointment_organizationId_patientId_scheduledStartDate_id_idx" ON "Appointment"("organizationId", "patientId", "scheduledStartDate", "id");

-- CreateIndex
CREATE INDEX "Appointment_organizationId_providerId_scheduledStartDate_id_idx" ON "Appointment"("organizationId", "providerId", "scheduledStartDate", "id");

-- CreateIndex
CREATE INDEX "Appointment_organizationId_facilityId_scheduledStartDate_id_idx" ON "Appointment"("organizationId", "facilityId", "scheduledStartDate", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Appointment_organizationId_id_key" ON "Appointment"("organizationId", "id");

-- CreateIndex
CREATE INDEX "Bill_organizationId_dateOfService_id_idx" ON "Bill"("organizationId", "dateOfService", "id");

-- CreateIndex
CREATE INDEX "Bill_organizationId_patientId_dateOfService_id_idx" ON "Bill"("organizationId", "patientId", "dateOfService", "id");

-- CreateIndex
CREATE INDEX "Bill_organizationId_facilityId_dateOfService_id_idx" ON "Bill"("organizationId", "facilityId", "dateOfService", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Bill_organizationId_humanId_key" ON "Bill"("organizationId", "humanId");

-- CreateIndex
CREATE UNIQUE INDEX "Bill_organizationId_id_key" ON "Bill"("organizationId", "id");

-- CreateIndex
CREATE INDEX "CodingGroup_organizationId_billId_position_idx" ON "CodingGroup"("organizationId", "billId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "CodingGroup_organizationId_id_key" ON "CodingGroup"("organizationId", "id");

-- CreateIndex
CREATE INDEX "Diagnosis_organizationId_codingGroupId_position_idx" ON "Diagnosis"("organizationId", "codingGroupId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "Diagnosis_organizationId_id_key" ON "Diagnosis"("organizationId", "id");

-- CreateIndex
CREATE INDEX "LineItem_organizationId_codingGroupId_position_idx" ON "LineItem"("organizationId", "codingGroupId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "LineItem_organizationId_id_key" ON "LineItem"("organizationId", "id");

-- CreateIndex
CREATE INDEX "LineItemModifier_organizationId_lineItemId_position_idx" ON "LineItemModifier"("organizationId", "lineItemId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "LineItemModifier_organizationId_id_key" ON "LineItemModifier"("organizationId", "id");

-- CreateIndex
CREATE INDEX "LineItemDiagnosis_organizationId_lineItemId_position_idx" ON "LineItemDiagnosis"("organizationId", "lineItemId", "position");

-- CreateIndex
CREATE INDEX "Claim_organizationId_dateOfService_id_idx" ON "Claim"("organizationId", "dateOfService", "id");

-- CreateIndex
CREATE INDEX "Claim_organizationId_claimStatus_dateOfService_id_idx" ON "Claim"("organizationId", "claimStatus", "dateOfService", "id");

-- CreateIndex
CREATE INDEX "Claim_organizationId_patientId_dateOfService_id_idx" ON "Claim"("organizationId", "patientId", "dateOfService", "id");

-- CreateIndex
CREATE INDEX "Claim_organizationId_billId_id_idx" ON "Claim"("organizationId", "billId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Claim_organizationId_id_key" ON "Claim"("organizationId", "id");

-- CreateIndex
CREATE INDEX "ClaimInsurance_organizationId_claimId_position_idx" ON "ClaimInsurance"("organizationId", "claimId", "position");

-- CreateIndex
CREATE UNIQUE INDEX "ClaimInsurance_organizationId_id_key" ON "ClaimInsurance"("organizationId", "id");

-- CreateIndex
CREATE INDEX "Product_organizationId_name_id_idx" ON "Product"("organizationId", "name", "id");

-- CreateIndex
CREATE INDEX "Product_organizationId_type_name_id_idx" ON "Product"("organizationId", "type", "name", "id");

-- CreateIndex
CREATE INDEX "Product_organizationId_gtin_idx" ON "Product"("organizationId", "gtin");

-- CreateIndex
CREATE INDEX "Product_organizationId_ndc_idx" ON "Product"("organizationId", "ndc");

-- CreateIndex
CREATE UNIQUE INDEX "Product_organizationId_id_key" ON "Product"("organizationId", "id");

-- CreateIndex
CREATE INDEX "InventoryChange_organizationId_facilityId_createdAt_id_idx" ON "InventoryChange"("organizationId", "facilityId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "InventoryChange_organizationId_facilityId_status_createdAt__idx" ON "InventoryChange"("organizationId", "facilityId", "status", "createdAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "InventoryChange_organizationId_id_key" ON "InventoryChange"("organizationId", "id");

-- CreateIndex
CREATE INDEX "InventoryChangeItem_organizationId_changeId_createdAt_id_idx" ON "InventoryChangeItem"("organizationId", "changeId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "InventoryChangeItem_organizationId_productId_idx" ON "InventoryChangeItem"("organizationId", "productId");

-- CreateIndex
CREATE UNIQUE INDEX "InventoryChangeItem_organizationId_id_key" ON "InventoryChangeItem"("organizationId", "id");

-- CreateIndex
CREATE INDEX "StockLevel_organizationId_productId_idx" ON "StockLevel"("organizationId", "productId");

-- CreateIndex
CREATE UNIQUE INDEX "StockLevel_organizationId_facilityId_productId_key" ON "StockLevel"("organizationId", "facilityId", "productId");

-- CreateIndex
CREATE UNIQUE INDEX "StockLevel_organizationId_id_key" ON "StockLevel"("organizationId", "id");

-- CreateIndex
CREATE INDEX "PhiAccess_organizationId_createdAt_idx" ON "PhiAccess"("organizationId", "createdAt");

-- CreateIndex
CREATE INDEX "PhiAccess_organizationId_appId_createdAt_idx" ON "PhiAccess"("organizationId", "appId", "createdAt");

-- CreateIndex
CREATE INDEX "PhiAccess_patientIds_idx" ON "PhiAccess" USING GIN ("patientIds");

-- AddForeignKey
ALTER TABLE "AppVersion" ADD CONSTRAINT "AppVersion_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InstallationRecord" ADD CONSTRAINT "InstallationRecord_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InstallationRecord" ADD CONSTRAINT "InstallationRecord_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "InstallationEvent" ADD CONSTRAINT "InstallationEvent_installationId_fkey" FOREIGN KEY ("installationId") REFERENCES "InstallationRecord"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_organizationId_patientId_fkey" FOREIGN KEY ("organizationId", "patientId") REFERENCES "Patient"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_organizationId_providerId_fkey" FOREIGN KEY ("organizationId", "providerId") REFERENCES "Provider"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Appointment" ADD CONSTRAINT "Appointment_organizationId_facilityId_fkey" FOREIGN KEY ("organizationId", "facilityId") REFERENCES "Facility"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Bill" ADD CONSTRAINT "Bill_organizationId_patientId_fkey" FOREIGN KEY ("organizationId", "patientId") REFERENCES "Patient"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Bill" ADD CONSTRAINT "Bill_organizationId_primaryProviderId_fkey" FOREIGN KEY ("organizationId", "primaryProviderId") REFERENCES "Provider"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Bill" ADD CONSTRAINT "Bill_organizationId_billUnderProviderId_fkey" FOREIGN KEY ("organizationId", "billUnderProviderId") REFERENCES "Provider"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Bill" ADD CONSTRAINT "Bill_organizationId_facilityId_fkey" FOREIGN KEY ("organizationId", "facilityId") REFERENCES "Facility"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "CodingGroup" ADD CONSTRAINT "CodingGroup_organizationId_billId_fkey" FOREIGN KEY ("organizationId", "billId") REFERENCES "Bill"("organizationId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Diagnosis" ADD CONSTRAINT "Diagnosis_organizationId_codingGroupId_fkey" FOREIGN KEY ("organizationId", "codingGroupId") REFERENCES "CodingGroup"("organizationId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "LineItem" ADD CONSTRAINT "LineItem_organizationId_codingGroupId_fkey" FOREIGN KEY ("organizationId", "codingGroupId") REFERENCES "CodingGroup"("organizationId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "LineItemModifier" ADD CONSTRAINT "LineItemModifier_organizationId_lineItemId_fkey" FOREIGN KEY ("organizationId", "lineItemId") REFERENCES "LineItem"("organizationId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "LineItemDiagnosis" ADD CONSTRAINT "LineItemDiagnosis_organizationId_lineItemId_fkey" FOREIGN KEY ("organizationId", "lineItemId") REFERENCES "LineItem"("organizationId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "LineItemDiagnosis" ADD CONSTRAINT "LineItemDiagnosis_organizationId_diagnosisId_fkey" FOREIGN KEY ("organizationId", "diagnosisId") REFERENCES "Diagnosis"("organizationId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Claim" ADD CONSTRAINT "Claim_organizationId_billId_fkey" FOREIGN KEY ("organizationId", "billId") REFERENCES "Bill"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Claim" ADD CONSTRAINT "Claim_organizationId_patientId_fkey" FOREIGN KEY ("organizationId", "patientId") REFERENCES "Patient"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Claim" ADD CONSTRAINT "Claim_organizationId_facilityId_fkey" FOREIGN KEY ("organizationId", "facilityId") REFERENCES "Facility"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Claim" ADD CONSTRAINT "Claim_organizationId_renderingProviderId_fkey" FOREIGN KEY ("organizationId", "renderingProviderId") REFERENCES "Provider"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "Claim" ADD CONSTRAINT "Claim_organizationId_billingProviderId_fkey" FOREIGN KEY ("organizationId", "billingProviderId") REFERENCES "Provider"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "ClaimInsurance" ADD CONSTRAINT "ClaimInsurance_organizationId_claimId_fkey" FOREIGN KEY ("organizationId", "claimId") REFERENCES "Claim"("organizationId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "InventoryChange" ADD CONSTRAINT "InventoryChange_organizationId_facilityId_fkey" FOREIGN KEY ("organizationId", "facilityId") REFERENCES "Facility"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "InventoryChangeItem" ADD CONSTRAINT "InventoryChangeItem_organizationId_changeId_fkey" FOREIGN KEY ("organizationId", "changeId") REFERENCES "InventoryChange"("organizationId", "id") ON DELETE CASCADE ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "InventoryChangeItem" ADD CONSTRAINT "InventoryChangeItem_organizationId_productId_fkey" FOREIGN KEY ("organizationId", "productId") REFERENCES "Product"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "StockLevel" ADD CONSTRAINT "StockLevel_organizationId_facilityId_fkey" FOREIGN KEY ("organizationId", "facilityId") REFERENCES "Facility"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "StockLevel" ADD CONSTRAINT "StockLevel_organizationId_productId_fkey" FOREIGN KEY ("organizationId", "productId") REFERENCES "Product"("organizationId", "id") ON DELETE RESTRICT ON UPDATE RESTRICT;

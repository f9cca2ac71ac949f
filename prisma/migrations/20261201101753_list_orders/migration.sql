-- CreateIndex
CREATE INDEX "Appointment_organizationId_createdAt_id_idx" ON "Appointment"("organizationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Appointment_organizationId_updatedAt_id_idx" ON "Appointment"("organizationId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Bill_organizationId_createdAt_id_idx" ON "Bill"("organizationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Bill_organizationId_updatedAt_id_idx" ON "Bill"("organizationId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Claim_organizationId_createdAt_id_idx" ON "Claim"("organizationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Claim_organizationId_updatedAt_id_idx" ON "Claim"("organizationId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Facility_organizationId_createdAt_id_idx" ON "Facility"("organizationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Facility_organizationId_updatedAt_id_idx" ON "Facility"("organizationId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "InventoryChange_organizationId_facilityId_updatedAt_id_idx" ON "InventoryChange"("organizationId", "facilityId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Patient_organizationId_createdAt_id_idx" ON "Patient"("organizationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Patient_organizationId_updatedAt_id_idx" ON "Patient"("organizationId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Product_organizationId_createdAt_id_idx" ON "Product"("organizationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Product_organizationId_updatedAt_id_idx" ON "Product"("organizationId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "Provider_organizationId_createdAt_id_idx" ON "Provider"("organizationId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "Provider_organizationId_updatedAt_id_idx" ON "Provider"("organizationId", "updatedAt", "id");

-- CreateIndex
CREATE INDEX "StockLevel_organizationId_facilityId_updatedAt_id_idx" ON "StockLevel"("organizationId", "facilityId", "updatedAt", "id");

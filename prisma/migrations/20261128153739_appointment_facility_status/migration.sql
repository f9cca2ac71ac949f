-- CreateIndex
CREATE INDEX "Appointment_organizationId_facilityId_status_scheduledStart_idx" ON "Appointment"("organizationId", "facilityId", "status", "scheduledStartDate", "id");

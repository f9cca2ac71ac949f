-- CreateIndex
CREATE INDEX "ChangeLog_transactionId_position_idx" ON "ChangeLog"("transactionId", "position");

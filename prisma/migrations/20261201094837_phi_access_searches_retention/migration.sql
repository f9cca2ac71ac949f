-- AlterTable
ALTER TABLE "PhiAccess" ADD COLUMN     "searches" JSONB NOT NULL DEFAULT '[]';

-- CreateIndex
CREATE INDEX "PhiAccess_createdAt_idx" ON "PhiAccess" USING BRIN ("createdAt");

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateIndex
CREATE INDEX "Facility_name_idx" ON "Facility" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Patient_firstName_idx" ON "Patient" USING GIN ("firstName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Patient_lastName_idx" ON "Patient" USING GIN ("lastName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Patient_middleName_idx" ON "Patient" USING GIN ("middleName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Patient_mrn_idx" ON "Patient" USING GIN ("mrn" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Patient_email_idx" ON "Patient" USING GIN ("email" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Patient_phone_idx" ON "Patient" USING GIN ("phone" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Product_name_idx" ON "Product" USING GIN ("name" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Product_manufacturer_idx" ON "Product" USING GIN ("manufacturer" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Product_gtin_idx" ON "Product" USING GIN ("gtin" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Product_ndc_idx" ON "Product" USING GIN ("ndc" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Product_customBarcode_idx" ON "Product" USING GIN ("customBarcode" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Provider_firstName_idx" ON "Provider" USING GIN ("firstName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Provider_lastName_idx" ON "Provider" USING GIN ("lastName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Provider_displayFirstName_idx" ON "Provider" USING GIN ("displayFirstName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Provider_displayLastName_idx" ON "Provider" USING GIN ("displayLastName" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Provider_username_idx" ON "Provider" USING GIN ("username" gin_trgm_ops);

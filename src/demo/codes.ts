/**
 * Reference data for the fake clinics: real code sets (ICD-10-CM, CPT, HCPCS, modifiers), real payer
 * names, specialties, US time zones and a product catalog. Everything here is constant; the generator
 * draws from these tables with a seeded random source.
 *
 * Sources and caveats:
 * - ICD-10-CM descriptions are the official (public domain, CDC/CMS) long descriptions.
 * - CPT descriptors are AMA copyright; the descriptions here are plain-language summaries, not the
 *   official text. HCPCS Level II descriptions follow the public CMS long descriptors.
 * - Charges are typical list prices for a US outpatient practice, not any fee schedule.
 * - NDCs use the real 4-4-2 / 5-3-2 / 5-4-1 layouts and the labeler code of the named manufacturer;
 *   product and package segments are illustrative and may not name that exact package.
 *   GS1 company prefixes of non-drug products are illustrative too.
 */
import type { ProcedureCodeType, ProductType } from '../generated/prisma/client.js';

/** Which kind of clinic a code or product belongs to; the generator picks codes that fit the clinic. */
export type Practice = 'dermatology' | 'primary_care';

// ─── Diagnoses (ICD-10-CM) ──────────────────────────────────────────────────

export interface DiagnosisCode {
  readonly code: string;
  readonly description: string;
  readonly practices: readonly Practice[];
}

const derm: readonly Practice[] = ['dermatology'];
const primary: readonly Practice[] = ['primary_care'];
const both: readonly Practice[] = ['dermatology', 'primary_care'];

export const icd10Codes = [
  { code: 'L70.0', description: 'Acne vulgaris', practices: derm },
  { code: 'L71.9', description: 'Rosacea, unspecified', practices: derm },
  { code: 'L40.0', description: 'Psoriasis vulgaris', practices: derm },
  { code: 'L20.9', description: 'Atopic dermatitis, unspecified', practices: both },
  { code: 'L21.9', description: 'Seborrheic dermatitis, unspecified', practices: derm },
  { code: 'L30.9', description: 'Dermatitis, unspecified', practices: both },
  { code: 'L57.0', description: 'Actinic keratosis', practices: derm },
  { code: 'L82.1', description: 'Other seborrheic keratosis', practices: derm },
  { code: 'L82.0', description: 'Inflamed seborrheic keratosis', practices: derm },
  { code: 'D22.5', description: 'Melanocytic nevi of trunk', practices: derm },
  { code: 'D22.9', description: 'Melanocytic nevi, unspecified', practices: derm },
  { code: 'D48.5', description: 'Neoplasm of uncertain behavior of skin', practices: derm },
  { code: 'D49.2', description: 'Neoplasm of unspecified behavior of bone, soft tissue, and skin', practices: derm },
  { code: 'C44.91', description: 'Basal cell carcinoma of skin, unspecified', practices: derm },
  { code: 'C44.92', description: 'Squamous cell carcinoma of skin, unspecified', practices: derm },
  { code: 'C43.9', description: 'Malignant melanoma of skin, unspecified', practices: derm },
  { code: 'B07.0', description: 'Plantar wart', practices: both },
  { code: 'B07.8', description: 'Other viral warts', practices: both },
  { code: 'B35.1', description: 'Tinea unguium', practices: derm },
  { code: 'B35.4', description: 'Tinea corporis', practices: both },
  { code: 'L63.9', description: 'Alopecia areata, unspecified', practices: derm },
  { code: 'L80', description: 'Vitiligo', practices: derm },
  { code: 'L91.0', description: 'Hypertrophic scar', practices: derm },
  { code: 'L91.8', description: 'Other hypertrophic disorders of the skin', practices: derm },
  { code: 'L72.0', description: 'Epidermal cyst', practices: both },
  { code: 'L73.2', description: 'Hidradenitis suppurativa', practices: derm },
  { code: 'L74.510', description: 'Primary focal hyperhidrosis, axilla', practices: derm },
  { code: 'L50.9', description: 'Urticaria, unspecified', practices: both },
  { code: 'L02.91', description: 'Cutaneous abscess, unspecified', practices: both },
  { code: 'L03.90', description: 'Cellulitis, unspecified', practices: both },
  { code: 'L81.4', description: 'Other melanin hyperpigmentation', practices: derm },
  { code: 'R21', description: 'Rash and other nonspecific skin eruption', practices: both },
  { code: 'Z12.83', description: 'Encounter for screening for malignant neoplasm of skin', practices: derm },
  { code: 'Z48.817', description: 'Encounter for surgical aftercare following surgery on the skin and subcutaneous tissue', practices: derm },
  { code: 'Z85.828', description: 'Personal history of other malignant neoplasm of skin', practices: derm },
  { code: 'I10', description: 'Essential (primary) hypertension', practices: primary },
  { code: 'E11.9', description: 'Type 2 diabetes mellitus without complications', practices: primary },
  { code: 'E11.65', description: 'Type 2 diabetes mellitus with hyperglycemia', practices: primary },
  { code: 'E78.5', description: 'Hyperlipidemia, unspecified', practices: primary },
  { code: 'E78.00', description: 'Pure hypercholesterolemia, unspecified', practices: primary },
  { code: 'E03.9', description: 'Hypothyroidism, unspecified', practices: primary },
  { code: 'E66.9', description: 'Obesity, unspecified', practices: primary },
  { code: 'E55.9', description: 'Vitamin D deficiency, unspecified', practices: primary },
  { code: 'D51.9', description: 'Vitamin B12 deficiency anemia, unspecified', practices: primary },
  { code: 'D64.9', description: 'Anemia, unspecified', practices: primary },
  { code: 'R73.03', description: 'Prediabetes', practices: primary },
  { code: 'J06.9', description: 'Acute upper respiratory infection, unspecified', practices: primary },
  { code: 'J02.9', description: 'Acute pharyngitis, unspecified', practices: primary },
  { code: 'J02.0', description: 'Streptococcal pharyngitis', practices: primary },
  { code: 'J01.90', description: 'Acute sinusitis, unspecified', practices: primary },
  { code: 'J20.9', description: 'Acute bronchitis, unspecified', practices: primary },
  { code: 'J45.909', description: 'Unspecified asthma, uncomplicated', practices: primary },
  { code: 'J44.9', description: 'Chronic obstructive pulmonary disease, unspecified', practices: primary },
  { code: 'J30.9', description: 'Allergic rhinitis, unspecified', practices: primary },
  { code: 'U07.1', description: 'COVID-19', practices: primary },
  { code: 'N39.0', description: 'Urinary tract infection, site not specified', practices: primary },
  { code: 'K21.9', description: 'Gastro-esophageal reflux disease without esophagitis', practices: primary },
  { code: 'M54.50', description: 'Low back pain, unspecified', practices: primary },
  { code: 'M25.561', description: 'Pain in right knee', practices: primary },
  { code: 'R51.9', description: 'Headache, unspecified', practices: primary },
  { code: 'R05.9', description: 'Cough, unspecified', practices: primary },
  { code: 'F41.1', description: 'Generalized anxiety disorder', practices: primary },
  { code: 'F32.A', description: 'Depression, unspecified', practices: primary },
  { code: 'G47.00', description: 'Insomnia, unspecified', practices: primary },
  { code: 'H61.23', description: 'Impacted cerumen, bilateral', practices: primary },
  { code: 'H66.90', description: 'Otitis media, unspecified, unspecified ear', practices: primary },
  { code: 'Z00.00', description: 'Encounter for general adult medical examination without abnormal findings', practices: primary },
  { code: 'Z00.129', description: 'Encounter for routine child health examination without abnormal findings', practices: primary },
  { code: 'Z23', description: 'Encounter for immunization', practices: primary },
  { code: 'Z13.1', description: 'Encounter for screening for diabetes mellitus', practices: primary },
  { code: 'Z13.31', description: 'Encounter for screening for depression', practices: primary },
  { code: 'Z79.4', description: 'Long term (current) use of insulin', practices: primary },
] as const satisfies readonly DiagnosisCode[];

export type Icd10Code = (typeof icd10Codes)[number]['code'];

export const icd10ByCode: ReadonlyMap<string, DiagnosisCode> = new Map(icd10Codes.map((entry) => [entry.code, entry]));

// ─── Procedures (CPT, HCPCS Level II) ───────────────────────────────────────

export interface ProcedureCode {
  readonly code: string;
  readonly codeType: ProcedureCodeType;
  readonly description: string;
  /** Typical list price per unit, in cents. */
  readonly chargeCents: number;
}

export const procedureCodes = [
  // Office/outpatient E/M, new patient (2021+ MDM/time based).
  { code: '99202', codeType: 'CPT', description: 'Office visit, new patient, straightforward MDM (15+ min)', chargeCents: 11500 },
  { code: '99203', codeType: 'CPT', description: 'Office visit, new patient, low MDM (30+ min)', chargeCents: 17500 },
  { code: '99204', codeType: 'CPT', description: 'Office visit, new patient, moderate MDM (45+ min)', chargeCents: 26500 },
  { code: '99205', codeType: 'CPT', description: 'Office visit, new patient, high MDM (60+ min)', chargeCents: 34500 },
  // Office/outpatient E/M, established patient.
  { code: '99211', codeType: 'CPT', description: 'Office visit, established patient, may not require a physician', chargeCents: 5000 },
  { code: '99212', codeType: 'CPT', description: 'Office visit, established patient, straightforward MDM (10+ min)', chargeCents: 9500 },
  { code: '99213', codeType: 'CPT', description: 'Office visit, established patient, low MDM (20+ min)', chargeCents: 15000 },
  { code: '99214', codeType: 'CPT', description: 'Office visit, established patient, moderate MDM (30+ min)', chargeCents: 22000 },
  { code: '99215', codeType: 'CPT', description: 'Office visit, established patient, high MDM (40+ min)', chargeCents: 30000 },
  { code: '99024', codeType: 'CPT', description: 'Postoperative follow-up visit included in the global surgical package', chargeCents: 0 },
  // Preventive medicine.
  { code: '99392', codeType: 'CPT', description: 'Preventive visit, established patient, age 1-4', chargeCents: 18500 },
  { code: '99393', codeType: 'CPT', description: 'Preventive visit, established patient, age 5-11', chargeCents: 19500 },
  { code: '99394', codeType: 'CPT', description: 'Preventive visit, established patient, age 12-17', chargeCents: 21000 },
  { code: '99395', codeType: 'CPT', description: 'Preventive visit, established patient, age 18-39', chargeCents: 22500 },
  { code: '99396', codeType: 'CPT', description: 'Preventive visit, established patient, age 40-64', chargeCents: 24000 },
  { code: '99397', codeType: 'CPT', description: 'Preventive visit, established patient, age 65 and over', chargeCents: 26000 },
  { code: 'G0438', codeType: 'HCPCS', description: 'Annual wellness visit; includes a personalized prevention plan of service (PPPS), initial visit', chargeCents: 25000 },
  { code: 'G0439', codeType: 'HCPCS', description: 'Annual wellness visit, includes a personalized prevention plan of service (PPPS), subsequent visit', chargeCents: 18000 },
  { code: 'G2211', codeType: 'HCPCS', description: 'Visit complexity inherent to evaluation and management associated with ongoing care (add-on to office/outpatient E/M)', chargeCents: 2000 },
  // Dermatologic procedures.
  { code: '11102', codeType: 'CPT', description: 'Tangential biopsy of skin (e.g. shave, scoop, saucerize, curette), single lesion', chargeCents: 15500 },
  { code: '11103', codeType: 'CPT', description: 'Tangential biopsy of skin, each separate/additional lesion', chargeCents: 8500 },
  { code: '11104', codeType: 'CPT', description: 'Punch biopsy of skin, including simple closure, single lesion', chargeCents: 19000 },
  { code: '11105', codeType: 'CPT', description: 'Punch biopsy of skin, each separate/additional lesion', chargeCents: 9500 },
  { code: '11200', codeType: 'CPT', description: 'Removal of skin tags, up to and including 15 lesions', chargeCents: 14000 },
  { code: '11042', codeType: 'CPT', description: 'Debridement, subcutaneous tissue, first 20 sq cm or less', chargeCents: 19500 },
  { code: '10060', codeType: 'CPT', description: 'Incision and drainage of abscess, simple or single', chargeCents: 21000 },
  { code: '11900', codeType: 'CPT', description: 'Intralesional injection, up to and including 7 lesions', chargeCents: 9500 },
  { code: '11901', codeType: 'CPT', description: 'Intralesional injection, more than 7 lesions', chargeCents: 12000 },
  { code: '17000', codeType: 'CPT', description: 'Destruction of premalignant lesion (e.g. actinic keratosis), first lesion', chargeCents: 12500 },
  { code: '17003', codeType: 'CPT', description: 'Destruction of premalignant lesions, second through 14 lesions, each', chargeCents: 1500 },
  { code: '17004', codeType: 'CPT', description: 'Destruction of premalignant lesions, 15 or more lesions', chargeCents: 29000 },
  { code: '17110', codeType: 'CPT', description: 'Destruction of benign lesions other than skin tags (e.g. warts), up to 14 lesions', chargeCents: 16500 },
  { code: '17111', codeType: 'CPT', description: 'Destruction of benign lesions other than skin tags, 15 or more lesions', chargeCents: 21000 },
  { code: '17311', codeType: 'CPT', description: 'Mohs micrographic surgery, head, neck, hands, feet, genitalia; first stage, up to 5 tissue blocks', chargeCents: 95000 },
  { code: '64650', codeType: 'CPT', description: 'Chemodenervation of eccrine glands, both axillae', chargeCents: 26000 },
  // Injections, labs, vaccines, diagnostics.
  { code: '96372', codeType: 'CPT', description: 'Therapeutic, prophylactic or diagnostic injection, subcutaneous or intramuscular', chargeCents: 4500 },
  { code: '36415', codeType: 'CPT', description: 'Collection of venous blood by venipuncture', chargeCents: 2000 },
  { code: '80053', codeType: 'CPT', description: 'Comprehensive metabolic panel', chargeCents: 4500 },
  { code: '80061', codeType: 'CPT', description: 'Lipid panel', chargeCents: 4000 },
  { code: '85025', codeType: 'CPT', description: 'Complete blood count (CBC), automated, with automated differential', chargeCents: 3000 },
  { code: '83036', codeType: 'CPT', description: 'Hemoglobin A1c', chargeCents: 3500 },
  { code: '87880', codeType: 'CPT', description: 'Infectious agent antigen detection by immunoassay with direct optical observation; Streptococcus, group A', chargeCents: 3500 },
  { code: '81002', codeType: 'CPT', description: 'Urinalysis by dip stick or tablet reagent, non-automated, without microscopy', chargeCents: 1500 },
  { code: '90471', codeType: 'CPT', description: 'Immunization administration, one vaccine (percutaneous, intradermal, subcutaneous or intramuscular)', chargeCents: 3500 },
  { code: '90686', codeType: 'CPT', description: 'Influenza virus vaccine, quadrivalent, split virus, preservative free, 0.5 mL, intramuscular', chargeCents: 4000 },
  { code: '90715', codeType: 'CPT', description: 'Tetanus, diphtheria toxoids and acellular pertussis vaccine (Tdap), age 7 and older, intramuscular', chargeCents: 6500 },
  { code: '90750', codeType: 'CPT', description: 'Zoster (shingles) vaccine, recombinant, adjuvanted, intramuscular', chargeCents: 22000 },
  { code: '93000', codeType: 'CPT', description: 'Electrocardiogram, routine, at least 12 leads, with interpretation and report', chargeCents: 7500 },
  { code: '94640', codeType: 'CPT', description: 'Pressurized or nonpressurized inhalation treatment (nebulizer)', chargeCents: 5500 },
  { code: '69210', codeType: 'CPT', description: 'Removal of impacted cerumen using instrumentation, unilateral', chargeCents: 8500 },
  { code: '96127', codeType: 'CPT', description: 'Brief emotional/behavioral assessment with scoring and documentation, per instrument', chargeCents: 1500 },
  // HCPCS Level II drugs (billing unit in the description).
  { code: 'J3301', codeType: 'HCPCS', description: 'Injection, triamcinolone acetonide, not otherwise specified, 10 mg', chargeCents: 500 },
  { code: 'J1030', codeType: 'HCPCS', description: 'Injection, methylprednisolone acetate, 40 mg', chargeCents: 1200 },
  { code: 'J1040', codeType: 'HCPCS', description: 'Injection, methylprednisolone acetate, 80 mg', chargeCents: 2200 },
  { code: 'J3420', codeType: 'HCPCS', description: 'Injection, vitamin B-12 cyanocobalamin, up to 1000 mcg', chargeCents: 1000 },
  { code: 'J0696', codeType: 'HCPCS', description: 'Injection, ceftriaxone sodium, per 250 mg', chargeCents: 1500 },
  { code: 'J1100', codeType: 'HCPCS', description: 'Injection, dexamethasone sodium phosphate, 1 mg', chargeCents: 200 },
  { code: 'J1885', codeType: 'HCPCS', description: 'Injection, ketorolac tromethamine, per 15 mg', chargeCents: 500 },
  { code: 'J2405', codeType: 'HCPCS', description: 'Injection, ondansetron hydrochloride, per 1 mg', chargeCents: 300 },
  { code: 'J0585', codeType: 'HCPCS', description: 'Injection, onabotulinumtoxinA, 1 unit', chargeCents: 800 },
] as const satisfies readonly ProcedureCode[];

export type ProcedureCodeValue = (typeof procedureCodes)[number]['code'];

export const procedureByCode: ReadonlyMap<string, ProcedureCode> = new Map(procedureCodes.map((entry) => [entry.code, entry]));

export function procedure(code: ProcedureCodeValue): ProcedureCode {
  const entry = procedureByCode.get(code);
  if (!entry) throw new Error(`Unknown procedure code ${code}`);
  return entry;
}

export const newPatientVisitCodes = ['99202', '99203', '99204', '99205'] as const satisfies readonly ProcedureCodeValue[];
export const establishedPatientVisitCodes = ['99211', '99212', '99213', '99214', '99215'] as const satisfies readonly ProcedureCodeValue[];

// ─── Modifiers ──────────────────────────────────────────────────────────────

export interface ModifierCode {
  readonly code: string;
  readonly name: string;
}

export const modifierCodes = [
  { code: '25', name: 'Significant, separately identifiable E/M service' },
  { code: '59', name: 'Distinct procedural service' },
  { code: '76', name: 'Repeat procedure by same physician or other qualified health care professional' },
  { code: '77', name: 'Repeat procedure by another physician or other qualified health care professional' },
  { code: '50', name: 'Bilateral procedure' },
  { code: '51', name: 'Multiple procedures' },
  { code: '33', name: 'Preventive services' },
  { code: 'XE', name: 'Separate encounter' },
  { code: 'XS', name: 'Separate structure' },
  { code: 'XP', name: 'Separate practitioner' },
  { code: 'XU', name: 'Unusual non-overlapping service' },
  { code: 'RT', name: 'Right side' },
  { code: 'LT', name: 'Left side' },
  { code: 'GT', name: 'Via interactive audio and video telecommunication systems' },
  { code: '95', name: 'Synchronous telemedicine service via real-time interactive audio and video' },
  { code: 'QW', name: 'CLIA waived test' },
  { code: 'JW', name: 'Drug amount discarded/not administered to any patient' },
  { code: 'JZ', name: 'Zero drug amount discarded/not administered to any patient' },
] as const satisfies readonly ModifierCode[];

export type ModifierCodeValue = (typeof modifierCodes)[number]['code'];

export const modifierByCode: ReadonlyMap<string, ModifierCode> = new Map(modifierCodes.map((entry) => [entry.code, entry]));

// ─── Encounter patterns ─────────────────────────────────────────────────────

export interface PatternLine {
  readonly code: ProcedureCodeValue;
  /** Units drawn uniformly from this inclusive range. */
  readonly units: readonly [number, number];
  readonly modifiers?: readonly ModifierCodeValue[];
  /** Chance the line appears at all (add-on codes); 1 when absent. */
  readonly probability?: number;
}

/**
 * A procedure (or procedure set) with the diagnoses that justify it, so a generated coding group reads
 * like a real one: 17000 + 17003 for actinic keratoses, 11900 + J3301 for a keloid, and so on.
 */
export interface EncounterPattern {
  readonly name: string;
  readonly practice: Practice;
  readonly weight: number;
  readonly lines: readonly PatternLine[];
  readonly indications: readonly Icd10Code[];
  /** Cosmetic services are not billed to insurance. */
  readonly cosmetic?: boolean;
  /** Lab work on site (specimens, waived tests, Mohs frozen sections): the claim carries the facility's CLIA number. */
  readonly lab?: boolean;
}

export const encounterPatterns = [
  { name: 'actinic keratosis destruction', practice: 'dermatology', weight: 14, lines: [{ code: '17000', units: [1, 1] }, { code: '17003', units: [1, 12], probability: 0.7 }], indications: ['L57.0'] },
  { name: 'field destruction', practice: 'dermatology', weight: 2, lines: [{ code: '17004', units: [1, 1] }], indications: ['L57.0'] },
  { name: 'wart destruction', practice: 'dermatology', weight: 7, lines: [{ code: '17110', units: [1, 1] }], indications: ['B07.8', 'B07.0'] },
  { name: 'shave biopsy', practice: 'dermatology', weight: 14, lines: [{ code: '11102', units: [1, 1] }, { code: '11103', units: [1, 3], probability: 0.35 }], indications: ['D48.5', 'D49.2', 'D22.5', 'L82.0', 'C44.91', 'C44.92'] },
  { name: 'punch biopsy', practice: 'dermatology', weight: 6, lines: [{ code: '11104', units: [1, 1] }, { code: '11105', units: [1, 2], probability: 0.25 }], indications: ['L40.0', 'L30.9', 'R21', 'D48.5', 'L63.9'] },
  { name: 'intralesional steroid', practice: 'dermatology', weight: 7, lines: [{ code: '11900', units: [1, 1] }, { code: 'J3301', units: [1, 4] }], indications: ['L91.0', 'L63.9', 'L73.2', 'L72.0'] },
  { name: 'incision and drainage', practice: 'dermatology', weight: 3, lines: [{ code: '10060', units: [1, 1] }], indications: ['L02.91', 'L72.0'] },
  { name: 'debridement', practice: 'dermatology', weight: 1, lines: [{ code: '11042', units: [1, 1], modifiers: ['RT'] }], indications: ['L03.90'] },
  { name: 'hyperhidrosis chemodenervation', practice: 'dermatology', weight: 2, lines: [{ code: '64650', units: [1, 1] }, { code: 'J0585', units: [100, 100], modifiers: ['JZ'] }], indications: ['L74.510'] },
  { name: 'Mohs surgery', practice: 'dermatology', weight: 3, lines: [{ code: '17311', units: [1, 1] }], indications: ['C44.91', 'C44.92'], lab: true },
  { name: 'IM steroid', practice: 'dermatology', weight: 2, lines: [{ code: '96372', units: [1, 1] }, { code: 'J3301', units: [4, 4] }], indications: ['L50.9', 'L20.9'] },
  { name: 'cosmetic skin tag removal', practice: 'dermatology', weight: 2, lines: [{ code: '11200', units: [1, 1] }], indications: ['L91.8'], cosmetic: true },
  { name: 'cosmetic seborrheic keratosis removal', practice: 'dermatology', weight: 2, lines: [{ code: '17110', units: [1, 1] }], indications: ['L82.1'], cosmetic: true },
  { name: 'metabolic labs', practice: 'primary_care', weight: 10, lines: [{ code: '36415', units: [1, 1] }, { code: '80053', units: [1, 1] }, { code: '85025', units: [1, 1], probability: 0.6 }], indications: ['E11.9', 'I10', 'D64.9', 'E55.9'], lab: true },
  { name: 'lipid panel', practice: 'primary_care', weight: 6, lines: [{ code: '36415', units: [1, 1] }, { code: '80061', units: [1, 1] }], indications: ['E78.5', 'E78.00'], lab: true },
  { name: 'point-of-care A1c', practice: 'primary_care', weight: 6, lines: [{ code: '83036', units: [1, 1], modifiers: ['QW'] }], indications: ['E11.9', 'E11.65', 'R73.03'], lab: true },
  { name: 'rapid strep', practice: 'primary_care', weight: 5, lines: [{ code: '87880', units: [1, 1], modifiers: ['QW'] }], indications: ['J02.0', 'J02.9'], lab: true },
  { name: 'urinalysis', practice: 'primary_care', weight: 4, lines: [{ code: '81002', units: [1, 1] }], indications: ['N39.0'], lab: true },
  { name: 'influenza vaccine', practice: 'primary_care', weight: 8, lines: [{ code: '90686', units: [1, 1] }, { code: '90471', units: [1, 1] }], indications: ['Z23'] },
  { name: 'Tdap vaccine', practice: 'primary_care', weight: 3, lines: [{ code: '90715', units: [1, 1] }, { code: '90471', units: [1, 1] }], indications: ['Z23'] },
  { name: 'shingles vaccine', practice: 'primary_care', weight: 3, lines: [{ code: '90750', units: [1, 1] }, { code: '90471', units: [1, 1] }], indications: ['Z23'] },
  { name: 'ECG', practice: 'primary_care', weight: 3, lines: [{ code: '93000', units: [1, 1] }], indications: ['I10'] },
  { name: 'nebulizer treatment', practice: 'primary_care', weight: 3, lines: [{ code: '94640', units: [1, 1] }], indications: ['J45.909', 'J44.9', 'J20.9'] },
  { name: 'ceftriaxone injection', practice: 'primary_care', weight: 2, lines: [{ code: '96372', units: [1, 1] }, { code: 'J0696', units: [1, 4], modifiers: ['JZ'] }], indications: ['H66.90', 'N39.0'] },
  { name: 'B12 injection', practice: 'primary_care', weight: 3, lines: [{ code: '96372', units: [1, 1] }, { code: 'J3420', units: [1, 1], modifiers: ['JZ'] }], indications: ['D51.9'] },
  { name: 'methylprednisolone injection', practice: 'primary_care', weight: 2, lines: [{ code: '96372', units: [1, 1] }, { code: 'J1030', units: [1, 1] }], indications: ['J30.9', 'M54.50'] },
  { name: 'ketorolac injection', practice: 'primary_care', weight: 2, lines: [{ code: '96372', units: [1, 1] }, { code: 'J1885', units: [2, 2], modifiers: ['JZ'] }], indications: ['M54.50', 'R51.9'] },
  { name: 'cerumen removal', practice: 'primary_care', weight: 3, lines: [{ code: '69210', units: [1, 1], modifiers: ['50'] }], indications: ['H61.23'] },
  { name: 'depression screening', practice: 'primary_care', weight: 3, lines: [{ code: '96127', units: [1, 2] }], indications: ['Z13.31', 'F41.1', 'F32.A'] },
] as const satisfies readonly EncounterPattern[];

/** Diagnoses treated at a plain office visit (no procedure), by practice. */
export const visitDiagnoses: Readonly<Record<Practice, readonly Icd10Code[]>> = {
  dermatology: ['L70.0', 'L71.9', 'L40.0', 'L20.9', 'L21.9', 'L30.9', 'L57.0', 'D22.9', 'B35.1', 'B35.4', 'L63.9', 'L80', 'L81.4', 'L50.9', 'Z12.83', 'Z85.828', 'L73.2'],
  primary_care: ['I10', 'E11.9', 'E11.65', 'E78.5', 'E03.9', 'E66.9', 'J06.9', 'J02.9', 'J01.90', 'J20.9', 'J45.909', 'J30.9', 'U07.1', 'K21.9', 'M54.50', 'M25.561', 'R51.9', 'R05.9', 'F41.1', 'F32.A', 'G47.00', 'H66.90', 'R73.03', 'Z79.4', 'Z13.1', 'L20.9', 'L03.90'],
};

/** Chronic conditions: primary-care visits for them get the G2211 complexity add-on. */
export const chronicConditions: ReadonlySet<string> = new Set(['I10', 'E11.9', 'E11.65', 'E78.5', 'E03.9', 'J45.909', 'J44.9', 'F41.1', 'F32.A', 'L40.0', 'L20.9']);

// ─── Payers ─────────────────────────────────────────────────────────────────

export type PolicyType = 'PPO' | 'HMO' | 'EPO' | 'POS' | 'Medicare' | 'Medicaid' | 'Medicare Supplement' | 'TRICARE';

export interface PayerPlan {
  readonly planName: string;
  readonly policyType: PolicyType;
}

export type PayerKind = 'commercial' | 'medicare' | 'medicare_advantage' | 'medicaid' | 'medicare_supplement' | 'military';

export interface Payer {
  readonly name: string;
  readonly kind: PayerKind;
  /**
   * Member id shape: `#` digit, `?` uppercase letter, `*` digit or letter; `MBI` means a Medicare
   * Beneficiary Identifier, which has its own character rules.
   */
  readonly memberIdPattern: string;
  readonly groupNumberPattern: string | null;
  readonly plans: readonly PayerPlan[];
  /** Office copay range in cents. */
  readonly copayCents: readonly [number, number];
  /** Annual deductible range in cents. */
  readonly deductibleCents: readonly [number, number];
}

export const payers = [
  {
    name: 'Aetna',
    kind: 'commercial',
    memberIdPattern: 'W#########',
    groupNumberPattern: '#######-###',
    plans: [
      { planName: 'Aetna Open Choice PPO', policyType: 'PPO' },
      { planName: 'Aetna Choice POS II', policyType: 'POS' },
      { planName: 'Aetna Select', policyType: 'EPO' },
      { planName: 'Aetna HMO', policyType: 'HMO' },
    ],
    copayCents: [2000, 6000],
    deductibleCents: [50000, 350000],
  },
  {
    name: 'UnitedHealthcare',
    kind: 'commercial',
    memberIdPattern: '#########',
    groupNumberPattern: '######',
    plans: [
      { planName: 'UnitedHealthcare Choice Plus', policyType: 'PPO' },
      { planName: 'UnitedHealthcare Options PPO', policyType: 'PPO' },
      { planName: 'UnitedHealthcare Navigate', policyType: 'HMO' },
      { planName: 'UnitedHealthcare Choice', policyType: 'EPO' },
    ],
    copayCents: [2000, 5000],
    deductibleCents: [50000, 400000],
  },
  {
    name: 'Cigna',
    kind: 'commercial',
    memberIdPattern: 'U########01',
    groupNumberPattern: '#######',
    plans: [
      { planName: 'Cigna Open Access Plus', policyType: 'POS' },
      { planName: 'Cigna PPO', policyType: 'PPO' },
      { planName: 'Cigna HMO', policyType: 'HMO' },
      { planName: 'Cigna LocalPlus', policyType: 'EPO' },
    ],
    copayCents: [2500, 5500],
    deductibleCents: [75000, 300000],
  },
  {
    name: 'Blue Cross Blue Shield',
    kind: 'commercial',
    memberIdPattern: '???#########',
    groupNumberPattern: '#####',
    plans: [
      { planName: 'BlueCard PPO', policyType: 'PPO' },
      { planName: 'Blue Choice PPO', policyType: 'PPO' },
      { planName: 'Blue Advantage HMO', policyType: 'HMO' },
      { planName: 'Blue Select EPO', policyType: 'EPO' },
    ],
    copayCents: [2000, 5000],
    deductibleCents: [50000, 300000],
  },
  {
    name: 'Humana',
    kind: 'medicare_advantage',
    memberIdPattern: 'H########',
    groupNumberPattern: '######',
    plans: [
      { planName: 'Humana Gold Plus HMO', policyType: 'HMO' },
      { planName: 'Humana Choice PPO', policyType: 'PPO' },
    ],
    copayCents: [0, 4000],
    deductibleCents: [0, 50000],
  },
  {
    name: 'Kaiser Permanente',
    kind: 'commercial',
    memberIdPattern: '#########',
    groupNumberPattern: '#####',
    plans: [{ planName: 'Kaiser Permanente HMO', policyType: 'HMO' }],
    copayCents: [1500, 4000],
    deductibleCents: [0, 200000],
  },
  {
    name: 'TRICARE',
    kind: 'military',
    memberIdPattern: '##########',
    groupNumberPattern: null,
    plans: [
      { planName: 'TRICARE Select', policyType: 'TRICARE' },
      { planName: 'TRICARE Prime', policyType: 'TRICARE' },
    ],
    copayCents: [0, 3500],
    deductibleCents: [0, 30000],
  },
  {
    name: 'Medicare Part B',
    kind: 'medicare',
    memberIdPattern: 'MBI',
    groupNumberPattern: null,
    plans: [{ planName: 'Original Medicare', policyType: 'Medicare' }],
    copayCents: [0, 0],
    deductibleCents: [28300, 28300],
  },
  {
    name: 'Medicaid',
    kind: 'medicaid',
    memberIdPattern: '###########',
    groupNumberPattern: null,
    plans: [
      { planName: 'Medicaid Fee-for-Service', policyType: 'Medicaid' },
      { planName: 'Medicaid Managed Care', policyType: 'Medicaid' },
    ],
    copayCents: [0, 400],
    deductibleCents: [0, 0],
  },
  {
    name: 'UnitedHealthcare',
    kind: 'medicare_supplement',
    memberIdPattern: '###########',
    groupNumberPattern: null,
    plans: [
      { planName: 'AARP Medicare Supplement Plan G', policyType: 'Medicare Supplement' },
      { planName: 'AARP Medicare Supplement Plan N', policyType: 'Medicare Supplement' },
    ],
    copayCents: [0, 2000],
    deductibleCents: [0, 0],
  },
  {
    name: 'Mutual of Omaha',
    kind: 'medicare_supplement',
    memberIdPattern: '#########',
    groupNumberPattern: null,
    plans: [{ planName: 'Medicare Supplement Plan G', policyType: 'Medicare Supplement' }],
    copayCents: [0, 0],
    deductibleCents: [0, 0],
  },
] as const satisfies readonly Payer[];

// ─── Specialties, roles, time zones ─────────────────────────────────────────

export const facilitySpecialties: Readonly<Record<Practice, readonly string[]>> = {
  dermatology: ['Dermatology', 'Dermatology', 'Mohs Surgery', 'Cosmetic Dermatology', 'Pediatric Dermatology'],
  primary_care: ['Family Medicine', 'Family Medicine', 'Internal Medicine', 'Pediatrics', 'Urgent Care'],
};

export const providerRoles = ['Physician', 'Surgeon', 'Nurse Practitioner', 'Physician Assistant', 'Medical Assistant'] as const;
export type ProviderRole = (typeof providerRoles)[number];

/** Credentials shown after a provider's last name ("Wilson, MD"). */
export const roleCredentials: Readonly<Record<ProviderRole, readonly string[]>> = {
  Physician: ['MD', 'MD', 'MD', 'DO'],
  Surgeon: ['MD', 'MD, FACMS', 'DO'],
  'Nurse Practitioner': ['NP', 'FNP-C', 'DNP, FNP-BC'],
  'Physician Assistant': ['PA-C'],
  'Medical Assistant': ['CMA', 'RMA', 'MA'],
};

export interface UsTimeZone {
  readonly timeZone: string;
  readonly cities: readonly string[];
  /** CLIA numbers start with a two-digit state code. */
  readonly cliaStateCodes: readonly string[];
}

export const usTimeZones = [
  { timeZone: 'America/New_York', cities: ['Boston', 'Brooklyn', 'Philadelphia', 'Charlotte', 'Atlanta', 'Tampa', 'Pittsburgh', 'Richmond'], cliaStateCodes: ['22', '33', '39', '34', '11', '10'] },
  { timeZone: 'America/Chicago', cities: ['Chicago', 'Milwaukee', 'Minneapolis', 'St. Louis', 'Nashville', 'Austin', 'Dallas', 'New Orleans'], cliaStateCodes: ['14', '52', '24', '26', '44', '45', '19'] },
  { timeZone: 'America/Denver', cities: ['Denver', 'Boulder', 'Salt Lake City', 'Albuquerque', 'Colorado Springs'], cliaStateCodes: ['06', '46', '32'] },
  { timeZone: 'America/Phoenix', cities: ['Phoenix', 'Tucson', 'Scottsdale', 'Mesa'], cliaStateCodes: ['03'] },
  { timeZone: 'America/Los_Angeles', cities: ['Seattle', 'Portland', 'San Diego', 'Sacramento', 'Oakland', 'Los Angeles'], cliaStateCodes: ['50', '38', '05'] },
  { timeZone: 'America/Detroit', cities: ['Detroit', 'Ann Arbor', 'Grand Rapids'], cliaStateCodes: ['23'] },
  { timeZone: 'America/Indiana/Indianapolis', cities: ['Indianapolis', 'Carmel', 'Fishers'], cliaStateCodes: ['15'] },
  { timeZone: 'America/Boise', cities: ['Boise', 'Meridian', 'Nampa'], cliaStateCodes: ['13'] },
  { timeZone: 'America/Anchorage', cities: ['Anchorage', 'Wasilla', 'Palmer'], cliaStateCodes: ['02'] },
  { timeZone: 'Pacific/Honolulu', cities: ['Honolulu', 'Hilo', 'Kailua'], cliaStateCodes: ['12'] },
] as const satisfies readonly UsTimeZone[];

// ─── Product catalog ────────────────────────────────────────────────────────

export type ProductMetadata = { readonly [key: string]: string | number | boolean | null | readonly number[] };

export interface CatalogPack {
  /** Appended to the product name; empty for a single unit. */
  readonly label: string;
  readonly unitOfMeasure: string;
  readonly quantityPerUnit: number;
}

export interface CatalogAlternate {
  readonly manufacturer: string;
  /** FDA labeler code (4 or 5 digits) for drugs. */
  readonly ndcLabeler?: string;
  readonly gs1CompanyPrefix?: string;
}

export interface CatalogEntry {
  readonly name: string;
  readonly type: ProductType;
  readonly manufacturer: string;
  readonly description: string;
  /** Strengths, sizes or gauges: each becomes its own product. */
  readonly variants: readonly string[];
  /** Package sizes: each variant in each pack is its own product (its own NDC package code and GTIN). */
  readonly packs: readonly CatalogPack[];
  readonly practices: readonly Practice[];
  /** Base NDC of the first variant and pack; the others step the product and package segments. */
  readonly ndc?: string;
  /** Six-digit GS1 company prefix for products identified by GTIN but not NDC. */
  readonly gs1CompanyPrefix?: string;
  /**
   * Other makers of the same generic item, each its own product with its own NDC (in its labeler's
   * 4-4-2 or 5-3-2 layout) or GTIN.
   */
  readonly alternates?: readonly CatalogAlternate[];
  /** Packaging carries a serial number (AI 21): DSCSA-serialized drugs, serialized devices. */
  readonly serialized: boolean;
  readonly metadata: ProductMetadata;
}

const vial: CatalogPack = { label: '', unitOfMeasure: 'vial', quantityPerUnit: 1 };
const vialCarton10: CatalogPack = { label: 'carton of 10', unitOfMeasure: 'carton', quantityPerUnit: 10 };
const vialCarton25: CatalogPack = { label: 'carton of 25', unitOfMeasure: 'carton', quantityPerUnit: 25 };
const tube: CatalogPack = { label: '', unitOfMeasure: 'tube', quantityPerUnit: 1 };
const syringe: CatalogPack = { label: '', unitOfMeasure: 'syringe', quantityPerUnit: 1 };
const syringeCarton10: CatalogPack = { label: 'carton of 10', unitOfMeasure: 'carton', quantityPerUnit: 10 };
const each: CatalogPack = { label: '', unitOfMeasure: 'each', quantityPerUnit: 1 };
const boxOf = (count: number): CatalogPack => ({ label: `box of ${count}`, unitOfMeasure: 'box', quantityPerUnit: count });
const caseOf = (count: number): CatalogPack => ({ label: `case of ${count}`, unitOfMeasure: 'case', quantityPerUnit: count });
const packOf = (count: number): CatalogPack => ({ label: `pack of ${count}`, unitOfMeasure: 'pack', quantityPerUnit: count });

const roomTemperatureDrug = { storage: 'room_temperature', temperatureRangeC: [20, 25], controlled: false, deaSchedule: null } as const;
const refrigeratedDrug = { storage: 'refrigerated', temperatureRangeC: [2, 8], controlled: false, deaSchedule: null } as const;

export const productCatalog: readonly CatalogEntry[] = [
  // Drugs
  { name: 'Kenalog-10 (triamcinolone acetonide injectable suspension)', type: 'drug', manufacturer: 'Bristol-Myers Squibb', description: 'Corticosteroid for intralesional and intra-articular injection.', variants: ['10 mg/mL, 5 mL multi-dose vial'], packs: [vial, vialCarton10], practices: both, ndc: '0003-0494-20', serialized: true, metadata: { ...roomTemperatureDrug, hcpcs: 'J3301', multiDose: true } },
  { name: 'Kenalog-40 (triamcinolone acetonide injectable suspension)', type: 'drug', manufacturer: 'Bristol-Myers Squibb', description: 'Corticosteroid for intramuscular and intra-articular injection.', variants: ['40 mg/mL, 1 mL vial', '40 mg/mL, 5 mL vial', '40 mg/mL, 10 mL vial'], packs: [vial, vialCarton10], practices: both, ndc: '0003-0293-05', serialized: true, metadata: { ...roomTemperatureDrug, hcpcs: 'J3301', multiDose: true } },
  { name: 'Lidocaine HCl injection', type: 'drug', manufacturer: 'Hospira', description: 'Local anesthetic for infiltration.', variants: ['1%, 10 mL vial', '1%, 30 mL vial', '2%, 5 mL vial', '2%, 20 mL vial'], packs: [vial, vialCarton25], practices: both, ndc: '0409-4276-01', alternates: [{ manufacturer: 'Fresenius Kabi', ndcLabeler: '63323' }, { manufacturer: 'Hikma', ndcLabeler: '0143' }], serialized: true, metadata: { ...roomTemperatureDrug, multiDose: false } },
  { name: 'Lidocaine HCl and epinephrine injection', type: 'drug', manufacturer: 'Fresenius Kabi', description: 'Local anesthetic with vasoconstrictor for procedures.', variants: ['1% / 1:100,000, 20 mL vial', '1% / 1:100,000, 50 mL vial', '2% / 1:100,000, 20 mL vial'], packs: [vial, vialCarton25], practices: both, ndc: '63323-482-27', alternates: [{ manufacturer: 'Hospira', ndcLabeler: '0409' }], serialized: true, metadata: { ...roomTemperatureDrug, multiDose: true } },
  { name: 'Depo-Medrol (methylprednisolone acetate injectable suspension)', type: 'drug', manufacturer: 'Pfizer', description: 'Corticosteroid for intramuscular injection.', variants: ['40 mg/mL, 1 mL vial', '80 mg/mL, 1 mL vial'], packs: [vial, vialCarton25], practices: primary, ndc: '0009-3073-01', serialized: true, metadata: { ...roomTemperatureDrug, hcpcs: 'J1030' } },
  { name: 'Ceftriaxone for injection', type: 'drug', manufacturer: 'Sandoz', description: 'Cephalosporin antibiotic, powder for reconstitution.', variants: ['250 mg vial', '500 mg vial', '1 g vial'], packs: [vial, vialCarton10], practices: primary, ndc: '0781-3206-95', alternates: [{ manufacturer: 'Hikma', ndcLabeler: '0143' }, { manufacturer: 'Lupin', ndcLabeler: '68180' }], serialized: true, metadata: { ...roomTemperatureDrug, hcpcs: 'J0696' } },
  { name: 'Cyanocobalamin injection', type: 'drug', manufacturer: 'Fresenius Kabi', description: 'Vitamin B12 for intramuscular injection.', variants: ['1,000 mcg/mL, 1 mL vial', '1,000 mcg/mL, 30 mL vial'], packs: [vial, vialCarton25], practices: primary, ndc: '63323-044-01', alternates: [{ manufacturer: 'American Regent', ndcLabeler: '0517' }, { manufacturer: 'Somerset Therapeutics', ndcLabeler: '70069' }], serialized: true, metadata: { ...roomTemperatureDrug, hcpcs: 'J3420' } },
  { name: 'Dexamethasone sodium phosphate injection', type: 'drug', manufacturer: 'Fresenius Kabi', description: 'Corticosteroid for intramuscular or intravenous injection.', variants: ['4 mg/mL, 1 mL vial', '10 mg/mL, 1 mL vial', '4 mg/mL, 5 mL vial'], packs: [vial, vialCarton25], practices: both, ndc: '63323-165-01', alternates: [{ manufacturer: 'Hikma', ndcLabeler: '0143' }, { manufacturer: 'Mylan Institutional', ndcLabeler: '67457' }], serialized: true, metadata: { ...roomTemperatureDrug, hcpcs: 'J1100' } },
  { name: 'Ketorolac tromethamine injection', type: 'drug', manufacturer: 'Hospira', description: 'NSAID for short-term management of moderate pain.', variants: ['30 mg/mL, 1 mL vial', '60 mg/2 mL vial'], packs: [vial, vialCarton25], practices: primary, ndc: '0409-3795-01', alternates: [{ manufacturer: 'Fresenius Kabi', ndcLabeler: '63323' }, { manufacturer: 'Hikma', ndcLabeler: '0143' }], serialized: true, metadata: { ...roomTemperatureDrug, hcpcs: 'J1885' } },
  { name: 'Ondansetron injection', type: 'drug', manufacturer: 'Hikma', description: 'Antiemetic for intramuscular or intravenous injection.', variants: ['4 mg/2 mL vial', '40 mg/20 mL multi-dose vial'], packs: [vial, vialCarton25], practices: primary, ndc: '0143-9891-25', alternates: [{ manufacturer: 'Fresenius Kabi', ndcLabeler: '63323' }, { manufacturer: 'Aurobindo', ndcLabeler: '55150' }], serialized: true, metadata: { ...roomTemperatureDrug, hcpcs: 'J2405' } },
  { name: 'Epinephrine injection', type: 'drug', manufacturer: 'BPI Labs', description: 'For emergency treatment of anaphylaxis.', variants: ['1 mg/mL, 1 mL vial', '1 mg/mL, 30 mL multi-dose vial'], packs: [vial, vialCarton25], practices: both, ndc: '54288-103-10', alternates: [{ manufacturer: 'Hikma', ndcLabeler: '0143' }, { manufacturer: 'Amneal', ndcLabeler: '70121' }], serialized: true, metadata: { ...roomTemperatureDrug, emergencyKit: true } },
  { name: 'Testosterone cypionate injection', type: 'drug', manufacturer: 'Pfizer', description: 'Androgen for intramuscular injection. Schedule III.', variants: ['200 mg/mL, 1 mL vial', '200 mg/mL, 10 mL vial'], packs: [vial], practices: primary, ndc: '0009-0347-02', alternates: [{ manufacturer: 'Cipla', ndcLabeler: '69097' }, { manufacturer: 'Sun Pharma', ndcLabeler: '62756' }], serialized: true, metadata: { ...roomTemperatureDrug, controlled: true, deaSchedule: 'CIII' } },
  { name: 'Methotrexate injection', type: 'drug', manufacturer: 'Accord Healthcare', description: 'Antimetabolite for severe psoriasis.', variants: ['25 mg/mL, 2 mL vial', '25 mg/mL, 10 mL vial'], packs: [vial], practices: derm, ndc: '16729-277-30', alternates: [{ manufacturer: 'Hikma', ndcLabeler: '0143' }, { manufacturer: 'Fresenius Kabi', ndcLabeler: '63323' }], serialized: true, metadata: { ...roomTemperatureDrug, hazardous: true } },
  { name: 'Albuterol sulfate inhalation solution', type: 'drug', manufacturer: 'Nephron Pharmaceuticals', description: 'Bronchodilator for nebulization.', variants: ['0.083%, 2.5 mg/3 mL'], packs: [packOf(25), packOf(60)], practices: primary, ndc: '0487-9501-25', alternates: [{ manufacturer: 'Teva', ndcLabeler: '0093' }, { manufacturer: 'Ritedose', ndcLabeler: '76204' }], serialized: true, metadata: { ...roomTemperatureDrug } },
  { name: 'Mupirocin ointment', type: 'drug', manufacturer: 'Glenmark', description: 'Topical antibiotic.', variants: ['2%, 22 g', '2%, 15 g'], packs: [tube, boxOf(12)], practices: both, ndc: '68462-180-22', alternates: [{ manufacturer: 'Teva', ndcLabeler: '0093' }, { manufacturer: 'Perrigo', ndcLabeler: '45802' }], serialized: false, metadata: { ...roomTemperatureDrug, topical: true } },
  { name: 'Clobetasol propionate cream', type: 'drug', manufacturer: 'Taro Pharmaceuticals', description: 'Super-high-potency topical corticosteroid.', variants: ['0.05%, 15 g', '0.05%, 30 g', '0.05%, 60 g'], packs: [tube], practices: derm, ndc: '51672-1258-1', alternates: [{ manufacturer: 'Fougera', ndcLabeler: '0168' }, { manufacturer: 'Glenmark', ndcLabeler: '68462' }], serialized: false, metadata: { ...roomTemperatureDrug, topical: true } },
  { name: 'Triamcinolone acetonide cream', type: 'drug', manufacturer: 'Fougera', description: 'Medium-potency topical corticosteroid.', variants: ['0.1%, 15 g', '0.1%, 80 g', '0.1%, 454 g jar'], packs: [tube], practices: both, ndc: '0168-0004-15', alternates: [{ manufacturer: 'Taro Pharmaceuticals', ndcLabeler: '51672' }, { manufacturer: 'Glenmark', ndcLabeler: '68462' }], serialized: false, metadata: { ...roomTemperatureDrug, topical: true } },
  { name: 'Efudex (fluorouracil cream)', type: 'drug', manufacturer: 'Bausch Health', description: 'Topical antineoplastic for actinic keratoses.', variants: ['5%, 40 g'], packs: [tube], practices: derm, ndc: '0187-3204-47', serialized: false, metadata: { ...roomTemperatureDrug, topical: true, hazardous: true } },
  { name: 'Bacitracin zinc ointment', type: 'drug', manufacturer: 'Fougera', description: 'Topical antibiotic (OTC).', variants: ['500 units/g, 0.9 g foil packet', '500 units/g, 28.4 g tube'], packs: [boxOf(144), each], practices: both, ndc: '0168-0012-31', alternates: [{ manufacturer: 'Perrigo', ndcLabeler: '45802' }], serialized: false, metadata: { ...roomTemperatureDrug, topical: true, otc: true } },
  { name: 'Drysol (aluminum chloride hexahydrate solution)', type: 'drug', manufacturer: 'Person & Covey', description: 'Topical antiperspirant for hyperhidrosis.', variants: ['20%, 37.5 mL'], packs: [each], practices: derm, ndc: '0096-0707-37', serialized: false, metadata: { ...roomTemperatureDrug, topical: true } },
  // Biologics
  { name: 'Fluzone High-Dose (influenza vaccine)', type: 'biologic', manufacturer: 'Sanofi Pasteur', description: 'Influenza vaccine for adults 65 and older.', variants: ['0.7 mL prefilled syringe'], packs: [syringe, syringeCarton10], practices: primary, ndc: '49281-124-65', serialized: true, metadata: { ...refrigeratedDrug, cvx: '197', vaccine: true } },
  { name: 'Fluarix (influenza vaccine)', type: 'biologic', manufacturer: 'GlaxoSmithKline', description: 'Influenza vaccine, preservative free, 6 months and older.', variants: ['0.5 mL prefilled syringe'], packs: [syringe, syringeCarton10], practices: primary, ndc: '58160-905-52', serialized: true, metadata: { ...refrigeratedDrug, cvx: '150', vaccine: true } },
  { name: 'Boostrix (Tdap vaccine)', type: 'biologic', manufacturer: 'GlaxoSmithKline', description: 'Tetanus, diphtheria and acellular pertussis booster.', variants: ['0.5 mL prefilled syringe', '0.5 mL single-dose vial'], packs: [syringe, syringeCarton10], practices: primary, ndc: '58160-842-52', serialized: true, metadata: { ...refrigeratedDrug, cvx: '115', vaccine: true } },
  { name: 'Shingrix (zoster vaccine recombinant, adjuvanted)', type: 'biologic', manufacturer: 'GlaxoSmithKline', description: 'Two-vial kit: lyophilized antigen and adjuvant suspension.', variants: ['single-dose kit'], packs: [{ label: '', unitOfMeasure: 'kit', quantityPerUnit: 1 }, { label: 'carton of 10 kits', unitOfMeasure: 'carton', quantityPerUnit: 10 }], practices: primary, ndc: '58160-823-11', serialized: true, metadata: { ...refrigeratedDrug, cvx: '187', vaccine: true } },
  { name: 'Prevnar 20 (pneumococcal 20-valent conjugate vaccine)', type: 'biologic', manufacturer: 'Pfizer', description: 'Pneumococcal conjugate vaccine.', variants: ['0.5 mL prefilled syringe'], packs: [syringe, syringeCarton10], practices: primary, ndc: '0005-2000-01', serialized: true, metadata: { ...refrigeratedDrug, cvx: '216', vaccine: true } },
  { name: 'Tubersol (tuberculin purified protein derivative)', type: 'biologic', manufacturer: 'Sanofi Pasteur', description: 'Mantoux skin test antigen.', variants: ['1 mL vial (10 tests)', '5 mL vial (50 tests)'], packs: [vial], practices: primary, ndc: '49281-752-21', serialized: true, metadata: { ...refrigeratedDrug, multiDose: true } },
  { name: 'Botox (onabotulinumtoxinA)', type: 'biologic', manufacturer: 'Allergan', description: 'Therapeutic neurotoxin (e.g. axillary hyperhidrosis).', variants: ['100 unit vial', '200 unit vial'], packs: [vial], practices: derm, ndc: '0023-1145-01', serialized: true, metadata: { ...refrigeratedDrug, hcpcs: 'J0585' } },
  // Cosmetics
  { name: 'Botox Cosmetic (onabotulinumtoxinA)', type: 'cosmetic', manufacturer: 'Allergan', description: 'Neurotoxin for glabellar, lateral canthal and forehead lines.', variants: ['50 unit vial', '100 unit vial'], packs: [vial], practices: derm, ndc: '0023-3921-01', serialized: true, metadata: { ...refrigeratedDrug, cashPay: true } },
  { name: 'Dysport (abobotulinumtoxinA)', type: 'cosmetic', manufacturer: 'Ipsen', description: 'Neurotoxin for glabellar lines.', variants: ['300 unit vial'], packs: [vial], practices: derm, ndc: '15054-0530-6', serialized: true, metadata: { ...refrigeratedDrug, cashPay: true } },
  { name: 'Juvederm Voluma XC', type: 'cosmetic', manufacturer: 'Allergan', description: 'Hyaluronic acid dermal filler with lidocaine.', variants: ['1 mL prefilled syringe'], packs: [{ label: 'pack of 2', unitOfMeasure: 'pack', quantityPerUnit: 2 }], practices: derm, gs1CompanyPrefix: '300231', serialized: true, metadata: { storage: 'room_temperature', cashPay: true, device: true } },
  { name: 'Restylane Lyft', type: 'cosmetic', manufacturer: 'Galderma', description: 'Hyaluronic acid dermal filler with lidocaine.', variants: ['1 mL prefilled syringe'], packs: [each], practices: derm, gs1CompanyPrefix: '302990', serialized: true, metadata: { storage: 'room_temperature', cashPay: true, device: true } },
  { name: 'EltaMD UV Clear broad-spectrum sunscreen', type: 'cosmetic', manufacturer: 'EltaMD', description: 'SPF 46 facial sunscreen for retail sale.', variants: ['1.7 oz', '3 oz'], packs: [each, boxOf(12)], practices: derm, gs1CompanyPrefix: '390205', serialized: false, metadata: { storage: 'room_temperature', retail: true } },
  // Supplies
  { name: 'Nitrile exam gloves, powder-free', type: 'supply', manufacturer: 'Medline', description: 'Non-sterile nitrile examination gloves.', variants: ['X-Small', 'Small', 'Medium', 'Large', 'X-Large'], packs: [boxOf(100), caseOf(1000)], practices: both, gs1CompanyPrefix: '080196', alternates: [{ manufacturer: 'Cardinal Health', gs1CompanyPrefix: '888439' }, { manufacturer: 'McKesson', gs1CompanyPrefix: '612479' }, { manufacturer: 'Halyard', gs1CompanyPrefix: '680651' }], serialized: false, metadata: { sterile: false, latexFree: true, reorderPoint: 10 } },
  { name: 'Sterile surgical gloves, latex-free', type: 'supply', manufacturer: 'Cardinal Health', description: 'Sterile polyisoprene surgical gloves.', variants: ['6.5', '7', '7.5', '8'], packs: [boxOf(50), caseOf(200)], practices: derm, gs1CompanyPrefix: '888439', serialized: false, metadata: { sterile: true, latexFree: true, reorderPoint: 4 } },
  { name: 'Gauze sponges, 12-ply, sterile', type: 'supply', manufacturer: 'Medline', description: 'Woven cotton gauze sponges.', variants: ['2 in x 2 in', '4 in x 4 in'], packs: [boxOf(50), caseOf(1200)], practices: both, gs1CompanyPrefix: '080196', alternates: [{ manufacturer: 'Dynarex', gs1CompanyPrefix: '616784' }, { manufacturer: 'McKesson', gs1CompanyPrefix: '612479' }], serialized: false, metadata: { sterile: true, latexFree: true, reorderPoint: 6 } },
  { name: 'Disposable biopsy punch', type: 'supply', manufacturer: 'Integra Miltex', description: 'Sterile single-use dermal biopsy punch.', variants: ['2 mm', '3 mm', '4 mm', '5 mm', '6 mm'], packs: [boxOf(10), boxOf(50)], practices: derm, gs1CompanyPrefix: '381780', alternates: [{ manufacturer: 'Acuderm', gs1CompanyPrefix: '853436' }], serialized: false, metadata: { sterile: true, singleUse: true, reorderPoint: 2 } },
  { name: 'Disposable dermal curette', type: 'supply', manufacturer: 'Integra Miltex', description: 'Sterile single-use dermal curette.', variants: ['3 mm', '4 mm', '5 mm', '7 mm'], packs: [boxOf(20)], practices: derm, gs1CompanyPrefix: '381780', serialized: false, metadata: { sterile: true, singleUse: true, reorderPoint: 2 } },
  { name: 'Ethilon nylon suture', type: 'supply', manufacturer: 'Ethicon', description: 'Monofilament nonabsorbable suture, black.', variants: ['6-0 P-1', '5-0 P-3', '5-0 PS-3', '4-0 PS-2', '4-0 FS-2', '3-0 PS-2'], packs: [boxOf(12), boxOf(36)], practices: both, gs1CompanyPrefix: '705031', serialized: false, metadata: { sterile: true, absorbable: false, reorderPoint: 2 } },
  { name: 'Vicryl polyglactin 910 suture', type: 'supply', manufacturer: 'Ethicon', description: 'Braided absorbable suture, undyed.', variants: ['5-0 P-3', '4-0 PS-2', '4-0 FS-2', '3-0 PS-2'], packs: [boxOf(12), boxOf(36)], practices: derm, gs1CompanyPrefix: '705031', serialized: false, metadata: { sterile: true, absorbable: true, reorderPoint: 2 } },
  { name: 'Specimen container, 10% neutral buffered formalin', type: 'supply', manufacturer: 'Cardinal Health', description: 'Prefilled leak-proof histology container.', variants: ['20 mL prefilled', '60 mL prefilled'], packs: [boxOf(48), caseOf(240)], practices: derm, gs1CompanyPrefix: '888439', alternates: [{ manufacturer: 'Azer Scientific', gs1CompanyPrefix: '840013' }], serialized: false, metadata: { hazardous: true, reorderPoint: 2 } },
  { name: 'Alcohol prep pads, 70% isopropyl', type: 'supply', manufacturer: 'BD', description: 'Sterile saturated prep pads.', variants: ['medium', 'large'], packs: [boxOf(200), caseOf(4000)], practices: both, gs1CompanyPrefix: '382903', alternates: [{ manufacturer: 'Medline', gs1CompanyPrefix: '080196' }, { manufacturer: 'Dynarex', gs1CompanyPrefix: '616784' }], serialized: false, metadata: { sterile: true, reorderPoint: 5 } },
  { name: 'Luer-lock syringe', type: 'supply', manufacturer: 'BD', description: 'Sterile single-use syringe without needle.', variants: ['1 mL', '3 mL', '5 mL', '10 mL'], packs: [boxOf(100), caseOf(800)], practices: both, gs1CompanyPrefix: '382903', alternates: [{ manufacturer: 'Medline', gs1CompanyPrefix: '080196' }, { manufacturer: 'Terumo', gs1CompanyPrefix: '050490' }], serialized: false, metadata: { sterile: true, singleUse: true, reorderPoint: 3 } },
  { name: 'Hypodermic needle', type: 'supply', manufacturer: 'BD', description: 'Sterile single-use hypodermic needle.', variants: ['30 G x 1/2 in', '27 G x 1/2 in', '25 G x 5/8 in', '25 G x 1 in', '22 G x 1 1/2 in', '18 G x 1 1/2 in'], packs: [boxOf(100), caseOf(1000)], practices: both, gs1CompanyPrefix: '382903', alternates: [{ manufacturer: 'Medline', gs1CompanyPrefix: '080196' }, { manufacturer: 'Terumo', gs1CompanyPrefix: '050490' }], serialized: false, metadata: { sterile: true, singleUse: true, sharps: true, reorderPoint: 3 } },
  { name: 'Sterile water for injection', type: 'drug', manufacturer: 'Hospira', description: 'Diluent for reconstitution, preservative free.', variants: ['10 mL vial', '20 mL vial'], packs: [vial, vialCarton25], practices: both, ndc: '0409-4887-10', alternates: [{ manufacturer: 'Fresenius Kabi', ndcLabeler: '63323' }], serialized: true, metadata: { ...roomTemperatureDrug, diluent: true } },
  { name: 'Bacteriostatic sodium chloride 0.9% injection', type: 'drug', manufacturer: 'Hospira', description: 'Diluent with benzyl alcohol, multi-dose.', variants: ['10 mL vial', '30 mL vial'], packs: [vial, vialCarton25], practices: both, ndc: '0409-1966-07', alternates: [{ manufacturer: 'Fresenius Kabi', ndcLabeler: '63323' }], serialized: true, metadata: { ...roomTemperatureDrug, diluent: true, multiDose: true } },
  { name: 'Povidone-iodine prep pads', type: 'supply', manufacturer: 'PDI Healthcare', description: 'Antiseptic skin prep pads, 10%.', variants: ['medium', 'large'], packs: [boxOf(100), caseOf(1000)], practices: both, gs1CompanyPrefix: '072140', alternates: [{ manufacturer: 'Medline', gs1CompanyPrefix: '080196' }], serialized: false, metadata: { sterile: true, reorderPoint: 3 } },
  { name: 'Hibiclens chlorhexidine gluconate 4% skin cleanser', type: 'supply', manufacturer: 'Molnlycke', description: 'Antiseptic antimicrobial skin cleanser.', variants: ['4 oz', '8 oz', '16 oz', '32 oz'], packs: [each], practices: both, gs1CompanyPrefix: '047187', serialized: false, metadata: { reorderPoint: 2 } },
  { name: 'Tongue depressors', type: 'supply', manufacturer: 'Puritan', description: 'Wood tongue depressors.', variants: ['adult 6 in', 'junior 5.5 in'], packs: [boxOf(500), caseOf(5000)], practices: primary, gs1CompanyPrefix: '614136', alternates: [{ manufacturer: 'Medline', gs1CompanyPrefix: '080196' }], serialized: false, metadata: { sterile: false, reorderPoint: 1 } },
  { name: 'Disposable scalpel', type: 'supply', manufacturer: 'Integra Miltex', description: 'Sterile single-use scalpel with plastic handle.', variants: ['#10', '#11', '#15'], packs: [boxOf(10)], practices: derm, gs1CompanyPrefix: '381780', alternates: [{ manufacturer: 'Aspen Surgical', gs1CompanyPrefix: '303160' }], serialized: false, metadata: { sterile: true, singleUse: true, sharps: true, reorderPoint: 2 } },
  { name: 'Vacutainer blood collection tube', type: 'supply', manufacturer: 'BD', description: 'Plastic evacuated blood collection tube.', variants: ['K2EDTA lavender 4 mL', 'SST gold 5 mL', 'sodium citrate light blue 2.7 mL', 'lithium heparin green 4 mL'], packs: [packOf(100)], practices: primary, gs1CompanyPrefix: '382903', serialized: false, metadata: { sterile: true, reorderPoint: 2 } },
  { name: 'Steri-Strip reinforced skin closures', type: 'supply', manufacturer: 'Solventum', description: 'Adhesive wound closure strips.', variants: ['1/8 in x 3 in', '1/4 in x 3 in', '1/2 in x 4 in'], packs: [boxOf(50)], practices: both, gs1CompanyPrefix: '707387', serialized: false, metadata: { sterile: true, reorderPoint: 2 } },
  { name: 'Tegaderm transparent film dressing', type: 'supply', manufacturer: 'Solventum', description: 'Transparent semipermeable dressing.', variants: ['2 3/8 in x 2 3/4 in', '4 in x 4 3/4 in'], packs: [boxOf(100)], practices: both, gs1CompanyPrefix: '707387', serialized: false, metadata: { sterile: true, latexFree: true, reorderPoint: 2 } },
  { name: 'Silver nitrate applicators, 75%', type: 'supply', manufacturer: 'Grafco', description: 'Chemical cautery applicators for hemostasis.', variants: ['6 in'], packs: [packOf(100)], practices: derm, gs1CompanyPrefix: '795101', serialized: false, metadata: { storage: 'room_temperature', lightSensitive: true, reorderPoint: 2 } },
  { name: 'Cotton-tipped applicators, sterile', type: 'supply', manufacturer: 'Puritan', description: 'Wood shaft cotton swabs, two per pouch.', variants: ['3 in', '6 in'], packs: [boxOf(100), caseOf(1000)], practices: both, gs1CompanyPrefix: '614136', alternates: [{ manufacturer: 'Medline', gs1CompanyPrefix: '080196' }, { manufacturer: 'Dynarex', gs1CompanyPrefix: '616784' }], serialized: false, metadata: { sterile: true, reorderPoint: 4 } },
  { name: 'Adhesive bandages, sheer strip', type: 'supply', manufacturer: 'Medline', description: 'Sheer strip bandages (Curad).', variants: ['3/4 in x 3 in', '1 in x 3 in', 'spot 7/8 in'], packs: [boxOf(100)], practices: both, gs1CompanyPrefix: '080196', alternates: [{ manufacturer: 'Dynarex', gs1CompanyPrefix: '616784' }], serialized: false, metadata: { sterile: true, latexFree: true, reorderPoint: 4 } },
  { name: 'Safety lancet', type: 'supply', manufacturer: 'BD', description: 'Single-use retractable lancet.', variants: ['21 G', '23 G', '28 G'], packs: [boxOf(200)], practices: primary, gs1CompanyPrefix: '382903', alternates: [{ manufacturer: 'Medline', gs1CompanyPrefix: '080196' }, { manufacturer: 'McKesson', gs1CompanyPrefix: '612479' }], serialized: false, metadata: { sterile: true, sharps: true, reorderPoint: 2 } },
  { name: 'Urine specimen cup, sterile', type: 'supply', manufacturer: 'Medline', description: 'Screw-cap collection container with label.', variants: ['4 oz'], packs: [caseOf(100), caseOf(500)], practices: primary, gs1CompanyPrefix: '080196', alternates: [{ manufacturer: 'McKesson', gs1CompanyPrefix: '612479' }], serialized: false, metadata: { sterile: true, reorderPoint: 1 } },
  { name: 'Exam table paper', type: 'supply', manufacturer: 'Medline', description: 'Roll of exam table paper.', variants: ['18 in crepe', '21 in smooth'], packs: [caseOf(12)], practices: both, gs1CompanyPrefix: '080196', alternates: [{ manufacturer: 'McKesson', gs1CompanyPrefix: '612479' }, { manufacturer: 'Dynarex', gs1CompanyPrefix: '616784' }], serialized: false, metadata: { reorderPoint: 1 } },
  { name: 'Accu-Chek Guide test strips', type: 'supply', manufacturer: 'Roche Diagnostics', description: 'Blood glucose test strips.', variants: ['50 count', '100 count'], packs: [each], practices: primary, gs1CompanyPrefix: '365702', serialized: false, metadata: { storage: 'room_temperature', clia: 'waived', reorderPoint: 3 } },
  { name: 'Multistix 10 SG reagent strips', type: 'supply', manufacturer: 'Siemens Healthineers', description: 'Urinalysis reagent strips.', variants: ['100 strips'], packs: [each], practices: primary, gs1CompanyPrefix: '301940', serialized: false, metadata: { storage: 'room_temperature', clia: 'waived', reorderPoint: 2 } },
  { name: 'Sharps container', type: 'supply', manufacturer: 'BD', description: 'Puncture-resistant sharps disposal container.', variants: ['1 qt', '5 qt', '2 gal'], packs: [each, caseOf(20)], practices: both, gs1CompanyPrefix: '382903', alternates: [{ manufacturer: 'Covidien', gs1CompanyPrefix: '884521' }], serialized: false, metadata: { reorderPoint: 2 } },
  { name: 'Hyfrecator electrode tips, sterile', type: 'supply', manufacturer: 'CONMED', description: 'Single-use electrosurgical electrode tips.', variants: ['blunt', 'sharp', 'fine needle'], packs: [boxOf(50)], practices: derm, gs1CompanyPrefix: '653405', serialized: false, metadata: { sterile: true, singleUse: true, reorderPoint: 2 } },
  { name: 'SureTemp probe covers', type: 'supply', manufacturer: 'Welch Allyn', description: 'Disposable thermometer probe covers.', variants: ['standard'], packs: [boxOf(250), caseOf(5000)], practices: primary, gs1CompanyPrefix: '732094', serialized: false, metadata: { reorderPoint: 2 } },
  { name: 'Disposable otoscope specula', type: 'supply', manufacturer: 'Welch Allyn', description: 'Single-use ear specula.', variants: ['2.75 mm', '4.25 mm'], packs: [boxOf(850)], practices: primary, gs1CompanyPrefix: '732094', serialized: false, metadata: { reorderPoint: 1 } },
  { name: 'Red Dot ECG electrodes', type: 'supply', manufacturer: 'Solventum', description: 'Foam monitoring electrodes.', variants: ['adult', 'pediatric'], packs: [packOf(50), caseOf(1000)], practices: primary, gs1CompanyPrefix: '707387', serialized: false, metadata: { latexFree: true, reorderPoint: 2 } },
  { name: 'Nebulizer kit, disposable', type: 'supply', manufacturer: 'PARI Respiratory', description: 'Mouthpiece nebulizer with tubing.', variants: ['adult', 'pediatric mask'], packs: [each, caseOf(50)], practices: primary, gs1CompanyPrefix: '646312', serialized: false, metadata: { singleUse: true, reorderPoint: 5 } },
  { name: 'Liquid nitrogen (dewar refill)', type: 'supply', manufacturer: 'Airgas', description: 'Cryogen for cryosurgery; delivered by volume, no GTIN.', variants: ['per liter'], packs: [{ label: '', unitOfMeasure: 'L', quantityPerUnit: 1 }], practices: derm, serialized: false, metadata: { storage: 'cryogenic', hazardous: true } },
  // Devices
  { name: 'DermLite DL5 dermatoscope', type: 'device', manufacturer: '3Gen', description: 'Hybrid polarized/non-polarized dermatoscope.', variants: ['standard'], packs: [each], practices: derm, gs1CompanyPrefix: '856203', serialized: true, metadata: { requiresCalibration: false, warrantyMonths: 24 } },
  { name: 'Hyfrecator 2000 electrosurgical unit', type: 'device', manufacturer: 'CONMED', description: 'Low-power electrosurgical unit for office procedures.', variants: ['with wall mount', 'with stand'], packs: [each], practices: derm, gs1CompanyPrefix: '653405', serialized: true, metadata: { requiresCalibration: true, warrantyMonths: 24 } },
  { name: 'Cry-Ac cryosurgical unit', type: 'device', manufacturer: 'Brymill', description: 'Handheld liquid nitrogen spray unit.', variants: ['500 mL', '300 mL'], packs: [each], practices: derm, gs1CompanyPrefix: '710447', serialized: true, metadata: { requiresCalibration: false, warrantyMonths: 60 } },
  { name: 'SureTemp Plus 690 thermometer', type: 'device', manufacturer: 'Welch Allyn', description: 'Electronic oral/axillary/rectal thermometer.', variants: ['oral probe', 'rectal probe'], packs: [each], practices: primary, gs1CompanyPrefix: '732094', serialized: true, metadata: { requiresCalibration: true, warrantyMonths: 24 } },
  { name: 'FlexiPort blood pressure cuff', type: 'device', manufacturer: 'Welch Allyn', description: 'Reusable one-piece blood pressure cuff.', variants: ['child', 'small adult', 'adult', 'large adult', 'thigh'], packs: [each, packOf(5)], practices: primary, gs1CompanyPrefix: '732094', serialized: false, metadata: { requiresCalibration: false, latexFree: true } },
  { name: 'Fingertip pulse oximeter', type: 'device', manufacturer: 'Masimo', description: 'Spot-check SpO2 and pulse rate.', variants: ['adult', 'pediatric'], packs: [each], practices: primary, gs1CompanyPrefix: '843997', serialized: true, metadata: { requiresCalibration: false, warrantyMonths: 12 } },
  { name: 'QuickVue Strep A test', type: 'device', manufacturer: 'QuidelOrtho', description: 'Rapid group A strep antigen test kit (CLIA waived).', variants: ['25 tests', '50 tests'], packs: [{ label: '', unitOfMeasure: 'kit', quantityPerUnit: 1 }], practices: primary, gs1CompanyPrefix: '014613', serialized: false, metadata: { storage: 'room_temperature', clia: 'waived', ivd: true } },
  { name: 'Safe Ear Curette', type: 'device', manufacturer: 'Bionix', description: 'Disposable lighted cerumen curette.', variants: ['white', 'green', 'blue'], packs: [boxOf(50)], practices: primary, gs1CompanyPrefix: '811049', serialized: false, metadata: { singleUse: true, reorderPoint: 1 } },
];

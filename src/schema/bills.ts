import { BillingType, CodingGroupStatus, ProcedureCodeType } from '../generated/prisma/enums.js';
import { byIdArgument, idFilterArgument } from './id-arguments.js';
import { builder, fieldGuard, partGuard } from '../builder.js';
import type { ListQuery, Rows } from '../data/loaders.js';
import type { Condition } from '../data/sql.js';
import { checkDateRange, given } from './arguments.js';
import { childPages, childRows, linkedRows, connectionType, enumOf, referenceTo, resourceNode, rootPages, byIdRoot } from './connections.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders, type ChangedSinceArgs } from './ordering.js';
import { FacilityRef } from './facilities.js';
import { PatientRef } from './patients.js';
import { ProviderRef } from './providers.js';

const BillingTypeEnum = enumOf('BillingType', BillingType, {
  description: 'Which claim form a bill is billed on.',
  values: {
    professional: "A provider's services, billed on the CMS-1500 form (837P).",
    institutional: "A facility's services, billed on the UB-04 form (837I).",
  },
});
const CodingGroupStatusEnum = enumOf('CodingGroupStatus', CodingGroupStatus, {
  description: 'Where the coding of a group stands.',
  values: {
    draft: 'Being coded: diagnoses and line items may still change.',
    finalized: 'Signed off by a provider who can finalize: the coding is ready to bill.',
  },
});
const ProcedureCodeTypeEnum = enumOf('ProcedureCodeType', ProcedureCodeType, {
  description: 'The code set of a line item\'s procedure code.',
  values: {
    CPT: 'AMA CPT (HCPCS Level I): five characters, e.g. "99213" or "0001F".',
    HCPCS: 'CMS HCPCS Level II: a letter and four digits, e.g. "J3301" or "G2211".',
  },
});

export const BillRef = builder.objectRef<Rows['Bill']>('Bill');
const BillConnection = connectionType(BillRef, 'Bill');
export const CodingGroupRef = builder.objectRef<Rows['CodingGroup']>('CodingGroup');
const DiagnosisRef = builder.objectRef<Rows['Diagnosis']>('Diagnosis');
const LineItemRef = builder.objectRef<Rows['LineItem']>('LineItem');
const LineItemModifierRef = builder.objectRef<Rows['LineItemModifier']>('LineItemModifier');

resourceNode('Bill', BillRef, {
  description: 'The bill of an encounter: who was seen, by whom, where, and how it was coded.',
  fields: (t) => ({
    billNumber: t.exposeString('humanId', { description: 'The number people quote, e.g. "BILL-78432".' }),
    dateOfService: t.expose('dateOfService', { type: 'Date', description: "The day of the encounter, in the facility's time zone." }),
    billingType: t.expose('billingType', { type: BillingTypeEnum, description: 'Professional or institutional billing.' }),
    isCosmetic: t.exposeBoolean('isCosmetic', { description: 'A cosmetic service, usually paid by the patient rather than insurance.' }),
    isBillable: t.exposeBoolean('isBillable', { description: 'Meant to be billed; false for a no-charge encounter (e.g. a post-operative visit).' }),
    virtualEncounter: t.exposeBoolean('virtualEncounter', { description: 'The encounter took place by telehealth.' }),
    isEmCodingEnabled: t.exposeBoolean('isEmCodingEnabled', { description: 'Evaluation and management coding is on.' }),
    specialty: t.exposeString('specialty', { nullable: true, description: 'The specialty billed, e.g. "Dermatology"; null when none was recorded.' }),
    patient: t.field(referenceTo('Patient', PatientRef, (bill: Rows['Bill']) => bill.patientId, 'The patient seen.')),
    primaryProvider: t.field(referenceTo('Provider', ProviderRef, (bill: Rows['Bill']) => bill.primaryProviderId, 'The provider who rendered the service.')),
    billUnderProvider: t.field(referenceTo('Provider', ProviderRef, (bill: Rows['Bill']) => bill.billUnderProviderId, 'The provider the service is billed under.')),
    facility: t.field(referenceTo('Facility', FacilityRef, (bill: Rows['Bill']) => bill.facilityId, 'Where the service took place.')),
    codingGroups: t.field({
      ...partGuard('CodingGroup'),
      type: [CodingGroupRef],
      description: 'The coded units of the encounter, in order.',
      resolve: childRows('CodingGroup', 'billId', [{ column: 'position' }]),
    }),
  }),
});

resourceNode('CodingGroup', CodingGroupRef, {
  description: 'A coded unit of an encounter: its diagnoses and the line items they justify.',
  fields: (t) => ({
    status: t.expose('status', { type: CodingGroupStatusEnum, description: 'Whether the coding is a draft or finalized.' }),
    bill: t.field(referenceTo('Bill', BillRef, (group: Rows['CodingGroup']) => group.billId, 'The bill this group belongs to.')),
    diagnoses: t.field({
      ...partGuard('Diagnosis'),
      type: [DiagnosisRef],
      description: 'ICD-10-CM diagnoses, by position.',
      resolve: childRows('Diagnosis', 'codingGroupId', [{ column: 'position' }]),
    }),
    lineItems: t.field({
      ...partGuard('LineItem'),
      type: [LineItemRef],
      description: 'Procedure and charge lines, by position.',
      resolve: childRows('LineItem', 'codingGroupId', [{ column: 'position' }]),
    }),
  }),
});

resourceNode('Diagnosis', DiagnosisRef, {
  description: 'A diagnosis code of a coding group.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'ICD-10-CM code, e.g. "L70.0".' }),
    description: t.exposeString('description', { description: 'e.g. "Acne vulgaris".' }),
    position: t.exposeInt('position', { description: 'Order within the group, from 1; line items point at these.' }),
    codeRevision: t.exposeString('codeRevision', { description: 'Code system, e.g. "ICD-10-CM".' }),
  }),
});

resourceNode('LineItem', LineItemRef, {
  description: 'A procedure or charge line.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'CPT or HCPCS code, e.g. "99213".' }),
    codeType: t.expose('codeType', { type: ProcedureCodeTypeEnum, description: 'The code set `code` belongs to.' }),
    description: t.exposeString('description', { description: 'What the procedure or supply is, in words.' }),
    units: t.exposeInt('units', { description: 'How many times it was performed or supplied; 1 or more.' }),
    charge: t.expose('charge', { type: 'Decimal', description: 'The charge for one unit.' }),
    totalCharge: t.expose('totalCharge', { type: 'Decimal', description: 'The charge of the line: `charge` × `units`.' }),
    balance: t.expose('balance', { type: 'Decimal', description: 'What is still owed on this line.' }),
    position: t.exposeInt('position', { description: 'Order within the group, from 1.' }),
    modifiers: t.field({
      ...partGuard('LineItemModifier'),
      type: [LineItemModifierRef],
      description: 'CPT/HCPCS modifiers, in order.',
      resolve: childRows('LineItemModifier', 'lineItemId', [{ column: 'position' }]),
    }),
    linkedDiagnoses: t.field({
      ...partGuard('Diagnosis'),
      type: [DiagnosisRef],
      description: "The group's diagnoses this line is justified by, in pointer order.",
      resolve: linkedRows({ table: 'Diagnosis', through: 'LineItemDiagnosis', parentColumn: 'lineItemId', targetColumn: 'diagnosisId', order: 'position' }),
    }),
  }),
});

resourceNode('LineItemModifier', LineItemModifierRef, {
  description: 'A modifier on a line item.',
  fields: (t) => ({
    code: t.exposeString('code', { description: 'e.g. "25".' }),
    name: t.exposeString('name', { description: 'e.g. "Significant, separately identifiable E/M service".' }),
  }),
});

const billOrder = listOrder(
  'Bill',
  { DATE_OF_SERVICE: { description: 'Date of service.', columns: ['dateOfService'] }, ...timeOrders },
  { field: 'DATE_OF_SERVICE', direction: 'desc' },
);

interface BillListArgs extends ChangedSinceArgs {
  dateFrom?: Date | null;
  dateTo?: Date | null;
  orderBy?: Parameters<typeof billOrder.sortKeys>[0];
}

function billList(args: BillListArgs, extra: Condition[] = []): ListQuery {
  checkDateRange(args.dateFrom, args.dateTo);
  return {
    conditions: [
      ...given(
        args.dateFrom && { op: 'gte', column: 'dateOfService', value: args.dateFrom },
        args.dateTo && { op: 'lte', column: 'dateOfService', value: args.dateTo },
      ),
      ...changedSince(args),
      ...extra,
    ],
    order: billOrder.sortKeys(args.orderBy),
  };
}

builder.queryFields((t) => ({
  bills: t.connection({
    ...fieldGuard('Bill', 'Bills, most recent date of service first.'),
    type: BillRef,
    args: {
      patientId: idFilterArgument(t.arg, 'Patient'),
      facilityId: idFilterArgument(t.arg, 'Facility'),
      dateFrom: t.arg({ type: 'Date', description: 'Date of service on or after this day.' }),
      dateTo: t.arg({ type: 'Date', description: 'Date of service on or before this day.' }),
      ...changeAndOrderArgs(t.arg, billOrder),
    },
    resolve: rootPages('Bill', (args) => billList(
          args,
          given(
            args.patientId != null && { op: 'eq', column: 'patientId', value: args.patientId },
            args.facilityId != null && { op: 'eq', column: 'facilityId', value: args.facilityId },
          ),
        )),
  }, BillConnection),
  bill: t.field({
    ...fieldGuard('Bill', 'A bill by id; null when none exists in this organization.'),
    type: BillRef,
    args: { id: byIdArgument(t.arg, 'Bill') },
    resolve: byIdRoot('Bill'),
  }),
}));

builder.objectField(PatientRef, 'bills', (t) =>
  t.connection({
    ...fieldGuard('Bill', "The patient's bills, most recent date of service first."),
    type: BillRef,
    args: {
      dateFrom: t.arg({ type: 'Date', description: 'Date of service on or after this day.' }),
      dateTo: t.arg({ type: 'Date', description: 'Date of service on or before this day.' }),
      ...changeAndOrderArgs(t.arg, billOrder),
    },
    resolve: childPages('Bill', 'patientId', (args) => billList(args)),
  }, BillConnection),
);

import { BillingType } from '../generated/prisma/enums.js';
import { builder, fieldGuard, partGuard } from '../builder.js';
import type { ListQuery, Rows } from '../data/loaders.js';
import type { Condition } from '../data/sql.js';
import { checkDateRange, given, parseId } from './arguments.js';
import { childConnection, childList, connectionType, enumOf, referenceTo, resourceNode, rootConnection, rowById } from './connections.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders, type ChangedSinceArgs } from './ordering.js';
import { FacilityRef } from './facilities.js';
import { PatientRef } from './patients.js';
import { ProviderRef } from './providers.js';

const BillingTypeEnum = enumOf('BillingType', BillingType, 'Professional (CMS-1500) or institutional (UB-04) billing.');

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
    dateOfService: t.expose('dateOfService', { type: 'Date' }),
    billingType: t.expose('billingType', { type: BillingTypeEnum }),
    isCosmetic: t.exposeBoolean('isCosmetic'),
    isBillable: t.exposeBoolean('isBillable'),
    virtualEncounter: t.exposeBoolean('virtualEncounter'),
    isEmCodingEnabled: t.exposeBoolean('isEmCodingEnabled', { description: 'Evaluation and management coding is on.' }),
    specialty: t.exposeString('specialty', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    patient: t.field(referenceTo('Patient', PatientRef, (bill: Rows['Bill']) => bill.patientId, 'The patient seen.')),
    primaryProvider: t.field(referenceTo('Provider', ProviderRef, (bill: Rows['Bill']) => bill.primaryProviderId, 'The provider who rendered the service.')),
    billUnderProvider: t.field(referenceTo('Provider', ProviderRef, (bill: Rows['Bill']) => bill.billUnderProviderId, 'The provider the service is billed under.')),
    facility: t.field(referenceTo('Facility', FacilityRef, (bill: Rows['Bill']) => bill.facilityId, 'Where the service took place.')),
    codingGroups: t.field({
      ...partGuard('CodingGroup'),
      type: [CodingGroupRef],
      description: 'The coded units of the encounter, in order.',
      resolve: (bill, _args, context, info) =>
        childList(context, 'CodingGroup', 'billId', bill.id, [{ column: 'position' }], info),
    }),
  }),
});

resourceNode('CodingGroup', CodingGroupRef, {
  description: 'A coded unit of an encounter: its diagnoses and the line items they justify.',
  fields: (t) => ({
    status: t.exposeString('status', { description: 'e.g. draft, finalized.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    bill: t.field(referenceTo('Bill', BillRef, (group: Rows['CodingGroup']) => group.billId, 'The bill this group belongs to.')),
    diagnoses: t.field({
      ...partGuard('Diagnosis'),
      type: [DiagnosisRef],
      description: 'ICD-10-CM diagnoses, by position.',
      resolve: (group, _args, context, info) =>
        childList(context, 'Diagnosis', 'codingGroupId', group.id, [{ column: 'position' }], info),
    }),
    lineItems: t.field({
      ...partGuard('LineItem'),
      type: [LineItemRef],
      description: 'Procedure and charge lines, by position.',
      resolve: (group, _args, context, info) =>
        childList(context, 'LineItem', 'codingGroupId', group.id, [{ column: 'position' }], info),
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
    codeType: t.exposeString('codeType', { description: 'CPT or HCPCS.' }),
    description: t.exposeString('description'),
    units: t.exposeInt('units'),
    charge: t.expose('charge', { type: 'Decimal', description: 'Charge per unit.' }),
    totalCharge: t.expose('totalCharge', { type: 'Decimal', description: 'charge × units.' }),
    balance: t.expose('balance', { type: 'Decimal', description: 'What is still owed on this line.' }),
    position: t.exposeInt('position'),
    modifiers: t.field({
      ...partGuard('LineItemModifier'),
      type: [LineItemModifierRef],
      description: 'CPT/HCPCS modifiers, in order.',
      resolve: (line, _args, context, info) =>
        childList(context, 'LineItemModifier', 'lineItemId', line.id, [{ column: 'position' }], info),
    }),
    linkedDiagnoses: t.field({
      ...partGuard('Diagnosis'),
      type: [DiagnosisRef],
      description: "The group's diagnoses this line is justified by, in pointer order.",
      resolve: (line, _args, context) => context.loaders.linkedDiagnoses(line.id),
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
      patientId: t.arg.id(),
      facilityId: t.arg.id(),
      dateFrom: t.arg({ type: 'Date', description: 'Date of service on or after this day.' }),
      dateTo: t.arg({ type: 'Date', description: 'Date of service on or before this day.' }),
      ...changeAndOrderArgs(t.arg, billOrder),
    },
    resolve: (_root, args, context, info) =>
      rootConnection(
        context,
        'Bill',
        billList(
          args,
          given(
            args.patientId != null && { op: 'eq', column: 'patientId', value: parseId(args.patientId, 'Patient', 'patientId') },
            args.facilityId != null && { op: 'eq', column: 'facilityId', value: parseId(args.facilityId, 'Facility', 'facilityId') },
          ),
        ),
        args,
        info,
      ),
  }, BillConnection),
  bill: t.field({
    ...fieldGuard('Bill', 'A bill by id; null when none exists in this organization.'),
    type: BillRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context, info) => rowById(context, 'Bill', parseId(args.id, 'Bill'), info),
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
    resolve: (patient, args, context, info) => childConnection(context, 'Bill', 'patientId', patient.id, billList(args), args, info),
  }, BillConnection),
);

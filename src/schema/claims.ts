import { ClaimStatus } from '../generated/prisma/enums.js';
import { builder, fieldGuard, partGuard } from '../builder.js';
import type { ListQuery, Rows } from '../data/loaders.js';
import type { Condition } from '../data/sql.js';
import { checkDateRange, given, parseId } from './arguments.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders, type ChangedSinceArgs } from './ordering.js';
import { BillRef } from './bills.js';
import { childConnection, childList, connectionType, enumOf, referenceTo, resourceNode, rootConnection, rowById } from './connections.js';
import { FacilityRef } from './facilities.js';
import { PatientRef } from './patients.js';
import { ProviderRef } from './providers.js';

const ClaimStatusEnum = enumOf('ClaimStatus', ClaimStatus, 'Where a claim stands with the payer.');

export const ClaimRef = builder.objectRef<Rows['Claim']>('Claim');
const ClaimConnection = connectionType(ClaimRef, 'Claim');
const ClaimInsuranceRef = builder.objectRef<Rows['ClaimInsurance']>('ClaimInsurance');

resourceNode('Claim', ClaimRef, {
  description: 'An insurance claim for a bill (a bill may have a primary and a secondary claim).',
  fields: (t) => ({
    claimAmount: t.expose('claimAmount', { type: 'Decimal' }),
    balance: t.expose('balance', { type: 'Decimal' }),
    claimStatus: t.expose('claimStatus', { type: ClaimStatusEnum }),
    submittedDate: t.expose('submittedDate', { type: 'Date', nullable: true, description: 'Null until submitted.' }),
    claimCreatedDate: t.expose('claimCreatedDate', { type: 'Date' }),
    dateOfService: t.expose('dateOfService', { type: 'Date' }),
    cliaNumber: t.exposeString('cliaNumber', { nullable: true, description: 'CLIA certificate number for lab services.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    bill: t.field(referenceTo('Bill', BillRef, (claim: Rows['Claim']) => claim.billId, 'The bill claimed.')),
    patient: t.field(referenceTo('Patient', PatientRef, (claim: Rows['Claim']) => claim.patientId, 'The patient.')),
    facility: t.field(referenceTo('Facility', FacilityRef, (claim: Rows['Claim']) => claim.facilityId, 'The service facility.')),
    renderingProvider: t.field(referenceTo('Provider', ProviderRef, (claim: Rows['Claim']) => claim.renderingProviderId, 'The provider who rendered the service.')),
    billingProvider: t.field(referenceTo('Provider', ProviderRef, (claim: Rows['Claim']) => claim.billingProviderId, 'The provider billing the service.')),
    insurance: t.field({
      ...partGuard('ClaimInsurance'),
      type: [ClaimInsuranceRef],
      description: 'Coverage on this claim, primary first.',
      resolve: (claim, _args, context, info) =>
        childList(context, 'ClaimInsurance', 'claimId', claim.id, [{ column: 'position' }], info),
    }),
  }),
});

resourceNode('ClaimInsurance', ClaimInsuranceRef, {
  description: "A coverage entry of a claim: the payer, plan and the patient's policy.",
  fields: (t) => ({
    payerName: t.exposeString('payerName'),
    planName: t.exposeString('planName'),
    policyType: t.exposeString('policyType', { description: 'PPO, HMO, EPO, POS, Medicare, Medicaid, …' }),
    isPrimary: t.exposeBoolean('isPrimary'),
    memberId: t.exposeString('memberId'),
    groupNumber: t.exposeString('groupNumber', { nullable: true }),
    policyNumber: t.exposeString('policyNumber'),
    subscriberName: t.exposeString('subscriberName'),
    copayAmount: t.expose('copayAmount', { type: 'Decimal' }),
    deductibleRemaining: t.expose('deductibleRemaining', { type: 'Decimal' }),
    claim: t.field(referenceTo('Claim', ClaimRef, (insurance: Rows['ClaimInsurance']) => insurance.claimId, 'The claim this coverage is on.')),
  }),
});

const claimOrder = listOrder(
  'Claim',
  { DATE_OF_SERVICE: { description: 'Date of service.', columns: ['dateOfService'] }, ...timeOrders },
  { field: 'DATE_OF_SERVICE', direction: 'desc' },
);

interface ClaimListArgs extends ChangedSinceArgs {
  status?: ClaimStatus | null;
  dateFrom?: Date | null;
  dateTo?: Date | null;
  orderBy?: Parameters<typeof claimOrder.sortKeys>[0];
}

function claimList(args: ClaimListArgs, extra: Condition[] = []): ListQuery {
  checkDateRange(args.dateFrom, args.dateTo);
  return {
    conditions: [
      ...given(
        args.status && { op: 'eq', column: 'claimStatus', value: args.status },
        args.dateFrom && { op: 'gte', column: 'dateOfService', value: args.dateFrom },
        args.dateTo && { op: 'lte', column: 'dateOfService', value: args.dateTo },
      ),
      ...changedSince(args),
      ...extra,
    ],
    order: claimOrder.sortKeys(args.orderBy),
  };
}

builder.queryFields((t) => ({
  claims: t.connection({
    ...fieldGuard('Claim', 'Claims, most recent date of service first.'),
    type: ClaimRef,
    args: {
      status: t.arg({ type: ClaimStatusEnum }),
      patientId: t.arg.id(),
      billId: t.arg.id(),
      dateFrom: t.arg({ type: 'Date', description: 'Date of service on or after this day.' }),
      dateTo: t.arg({ type: 'Date', description: 'Date of service on or before this day.' }),
      ...changeAndOrderArgs(t.arg, claimOrder),
    },
    resolve: (_root, args, context, info) =>
      rootConnection(
        context,
        'Claim',
        claimList(
          args,
          given(
            args.patientId != null && { op: 'eq', column: 'patientId', value: parseId(args.patientId, 'Patient', 'patientId') },
            args.billId != null && { op: 'eq', column: 'billId', value: parseId(args.billId, 'Bill', 'billId') },
          ),
        ),
        args,
        info,
      ),
  }, ClaimConnection),
  claim: t.field({
    ...fieldGuard('Claim', 'A claim by id; null when none exists in this organization.'),
    type: ClaimRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context, info) => rowById(context, 'Claim', parseId(args.id, 'Claim'), info),
  }),
}));

builder.objectField(PatientRef, 'claims', (t) =>
  t.connection({
    ...fieldGuard('Claim', "The patient's claims, most recent date of service first."),
    type: ClaimRef,
    args: {
      status: t.arg({ type: ClaimStatusEnum }),
      dateFrom: t.arg({ type: 'Date', description: 'Date of service on or after this day.' }),
      dateTo: t.arg({ type: 'Date', description: 'Date of service on or before this day.' }),
      ...changeAndOrderArgs(t.arg, claimOrder),
    },
    resolve: (patient, args, context, info) => childConnection(context, 'Claim', 'patientId', patient.id, claimList(args), args, info),
  }, ClaimConnection),
);

builder.objectField(BillRef, 'claims', (t) =>
  t.field({
    ...fieldGuard('Claim', "The bill's claims (e.g. primary and secondary), oldest first."),
    type: [ClaimRef],
    resolve: (bill, _args, context, info) =>
      childList(context, 'Claim', 'billId', bill.id, [{ column: 'claimCreatedDate' }], info),
  }),
);

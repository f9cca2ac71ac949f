import { ClaimStatus } from '../generated/prisma/enums.js';
import { byIdArgument, idFilterArgument } from './id-arguments.js';
import { builder, fieldGuard, partGuard } from '../builder.js';
import type { ListQuery, Rows } from '../data/loaders.js';
import type { Condition } from '../data/sql.js';
import { checkDateRange, given } from './arguments.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders, type ChangedSinceArgs } from './ordering.js';
import { BillRef } from './bills.js';
import { childPages, childRows, connectionType, enumOf, referenceTo, resourceNode, rootPages, byIdRoot } from './connections.js';
import { FacilityRef } from './facilities.js';
import { PatientRef } from './patients.js';
import { ProviderRef } from './providers.js';

const ClaimStatusEnum = enumOf('ClaimStatus', ClaimStatus, {
  description: 'Where a claim stands with the payer.',
  values: {
    draft: 'Prepared, not yet sent to the payer (`submittedDate` is null).',
    submitted: 'Sent to the payer; no answer yet.',
    accepted: 'The payer accepted it for processing (not yet paid).',
    rejected: 'Returned unprocessed for errors (e.g. a wrong member id): correct and resubmit.',
    paid: 'The payer paid it (in full or in part; `balance` says what is left).',
    denied: 'Processed and refused by the payer (e.g. not covered): appeal or bill the patient.',
  },
});

export const ClaimRef = builder.objectRef<Rows['Claim']>('Claim');
const ClaimConnection = connectionType(ClaimRef, 'Claim');
const ClaimInsuranceRef = builder.objectRef<Rows['ClaimInsurance']>('ClaimInsurance');

resourceNode('Claim', ClaimRef, {
  description: 'An insurance claim for a bill (a bill may have a primary and a secondary claim).',
  fields: (t) => ({
    claimAmount: t.expose('claimAmount', { type: 'Decimal', description: 'The amount claimed from the payer: the charges of the bill it covers.' }),
    balance: t.expose('balance', { type: 'Decimal', description: 'What is still unpaid on the claim; "0.00" when settled.' }),
    claimStatus: t.expose('claimStatus', { type: ClaimStatusEnum, description: 'Where the claim stands with the payer.' }),
    submittedDate: t.expose('submittedDate', { type: 'Date', nullable: true, description: 'The day the claim was sent to the payer; null until submitted (a draft).' }),
    claimCreatedDate: t.expose('claimCreatedDate', { type: 'Date', description: 'The day the claim was created.' }),
    dateOfService: t.expose('dateOfService', { type: 'Date', description: 'The date of service of the claimed bill.' }),
    cliaNumber: t.exposeString('cliaNumber', { nullable: true, description: 'CLIA certificate number of the lab that performed lab services; null when the claim has none.' }),
    bill: t.field(referenceTo('Bill', BillRef, (claim: Rows['Claim']) => claim.billId, 'The bill claimed.')),
    patient: t.field(referenceTo('Patient', PatientRef, (claim: Rows['Claim']) => claim.patientId, 'The patient.')),
    facility: t.field(referenceTo('Facility', FacilityRef, (claim: Rows['Claim']) => claim.facilityId, 'The service facility.')),
    renderingProvider: t.field(referenceTo('Provider', ProviderRef, (claim: Rows['Claim']) => claim.renderingProviderId, 'The provider who rendered the service.')),
    billingProvider: t.field(referenceTo('Provider', ProviderRef, (claim: Rows['Claim']) => claim.billingProviderId, 'The provider billing the service.')),
    insurance: t.field({
      ...partGuard('ClaimInsurance'),
      type: [ClaimInsuranceRef],
      description: 'Coverage on this claim, primary first.',
      resolve: childRows('ClaimInsurance', 'claimId', [{ column: 'position' }]),
    }),
  }),
});

resourceNode('ClaimInsurance', ClaimInsuranceRef, {
  description: "A coverage entry of a claim: the payer, plan and the patient's policy.",
  fields: (t) => ({
    payerName: t.exposeString('payerName', { description: 'The insurer, e.g. "Aetna", "Medicare".' }),
    planName: t.exposeString('planName', { description: 'The plan, e.g. "Aetna Open Choice PPO".' }),
    policyType: t.exposeString('policyType', {
      description:
        "The plan's type as the payer names it, e.g. PPO, HMO, EPO, POS, Medicare, Medicaid, Medicare Supplement, TRICARE: an open list (payers add their own), so a string rather than an enum.",
    }),
    isPrimary: t.exposeBoolean('isPrimary', { description: 'This coverage pays first; false for secondary coverage.' }),
    memberId: t.exposeString('memberId', { description: "The patient's member id on the insurance card." }),
    groupNumber: t.exposeString('groupNumber', { nullable: true, description: 'The employer group number; null for plans without one (e.g. Medicare, individual plans).' }),
    policyNumber: t.exposeString('policyNumber', { description: 'The policy number.' }),
    subscriberName: t.exposeString('subscriberName', { description: 'The policy holder: the patient, or e.g. a parent or spouse.' }),
    copayAmount: t.expose('copayAmount', { type: 'Decimal', description: "The patient's copay for an office visit under this plan." }),
    deductibleRemaining: t.expose('deductibleRemaining', { type: 'Decimal', description: 'What was left of the annual deductible when the claim was made; "0.00" when met.' }),
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
      status: t.arg({ type: ClaimStatusEnum, description: 'Only claims in this status; all when omitted.' }),
      patientId: idFilterArgument(t.arg, 'Patient'),
      billId: idFilterArgument(t.arg, 'Bill'),
      dateFrom: t.arg({ type: 'Date', description: 'Date of service on or after this day.' }),
      dateTo: t.arg({ type: 'Date', description: 'Date of service on or before this day.' }),
      ...changeAndOrderArgs(t.arg, claimOrder),
    },
    resolve: rootPages('Claim', (args) => claimList(
          args,
          given(
            args.patientId != null && { op: 'eq', column: 'patientId', value: args.patientId },
            args.billId != null && { op: 'eq', column: 'billId', value: args.billId },
          ),
        )),
  }, ClaimConnection),
  claim: t.field({
    ...fieldGuard('Claim', 'A claim by id; null when none exists in this organization.'),
    type: ClaimRef,
    args: { id: byIdArgument(t.arg, 'Claim') },
    resolve: byIdRoot('Claim'),
  }),
}));

builder.objectField(PatientRef, 'claims', (t) =>
  t.connection({
    ...fieldGuard('Claim', "The patient's claims, most recent date of service first."),
    type: ClaimRef,
    args: {
      status: t.arg({ type: ClaimStatusEnum, description: 'Only claims in this status; all when omitted.' }),
      dateFrom: t.arg({ type: 'Date', description: 'Date of service on or after this day.' }),
      dateTo: t.arg({ type: 'Date', description: 'Date of service on or before this day.' }),
      ...changeAndOrderArgs(t.arg, claimOrder),
    },
    resolve: childPages('Claim', 'patientId', (args) => claimList(args)),
  }, ClaimConnection),
);

builder.objectField(BillRef, 'claims', (t) =>
  t.field({
    ...fieldGuard('Claim', "The bill's claims (e.g. primary and secondary), oldest first."),
    type: [ClaimRef],
    resolve: childRows('Claim', 'billId', [{ column: 'claimCreatedDate' }]),
  }),
);

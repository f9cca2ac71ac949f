import { AppointmentStatus } from '../generated/prisma/enums.js';
import { byIdArgument, idFilterArgument } from './id-arguments.js';
import { builder, fieldGuard } from '../builder.js';
import type { ListQuery, Rows } from '../data/loaders.js';
import type { Condition } from '../data/sql.js';
import { checkDateRange, given } from './arguments.js';
import { childPages, connectionType, enumOf, referenceTo, resourceNode, rootPages, byIdRoot } from './connections.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders, type ChangedSinceArgs } from './ordering.js';
import { FacilityRef } from './facilities.js';
import { PatientRef } from './patients.js';
import { ProviderRef } from './providers.js';

export const AppointmentStatusEnum = enumOf('AppointmentStatus', AppointmentStatus, {
  description: 'Where an appointment stands, from booking to the end of the visit.',
  values: {
    scheduled: 'Booked; the patient has not confirmed yet.',
    confirmed: 'Booked and confirmed by the patient.',
    checked_in: 'The patient has arrived and is checked in.',
    completed: 'The visit took place.',
    cancelled: 'Called off before it took place (by the patient or the clinic).',
    no_show: 'The patient did not come and did not cancel.',
  },
});

const appointmentOrder = listOrder(
  'Appointment',
  {
    SCHEDULED_START: { description: 'Scheduled start.', columns: ['scheduledStartDate'] },
    STATUS: { description: 'Status (in the order of the AppointmentStatus values), then scheduled start.', columns: ['status', 'scheduledStartDate'] },
    ...timeOrders,
  },
  { field: 'SCHEDULED_START', direction: 'asc' },
);

export const AppointmentRef = builder.objectRef<Rows['Appointment']>('Appointment');
const AppointmentConnection = connectionType(AppointmentRef, 'Appointment');

resourceNode('Appointment', AppointmentRef, {
  description: 'A scheduled visit of a patient with a provider at a facility.',
  fields: (t) => ({
    scheduledStartDate: t.expose('scheduledStartDate', { type: 'DateTime', description: 'When the visit is booked to start (UTC; the facility has its `timezone`).' }),
    scheduledEndDate: t.expose('scheduledEndDate', { type: 'DateTime', description: 'When the visit is booked to end (UTC); after the start.' }),
    status: t.expose('status', { type: AppointmentStatusEnum, description: 'Where the appointment stands.' }),
    isNewPatient: t.exposeBoolean('isNewPatient', { description: "The patient's first visit with the clinic (no earlier visit they attended)." }),
    patient: t.field(referenceTo('Patient', PatientRef, (appointment: Rows['Appointment']) => appointment.patientId, 'The patient.')),
    provider: t.field(referenceTo('Provider', ProviderRef, (appointment: Rows['Appointment']) => appointment.providerId, 'The provider.')),
    facility: t.field(referenceTo('Facility', FacilityRef, (appointment: Rows['Appointment']) => appointment.facilityId, 'The facility.')),
  }),
});

interface AppointmentListArgs extends ChangedSinceArgs {
  dateFrom?: Date | null;
  dateTo?: Date | null;
  statuses?: AppointmentStatus[] | null;
  orderBy?: Parameters<typeof appointmentOrder.sortKeys>[0];
}

const dayMs = 86_400_000;

/** Dates bound the scheduled start by UTC calendar day, both ends inclusive. */
function appointmentList(args: AppointmentListArgs, extra: Condition[] = []): ListQuery {
  checkDateRange(args.dateFrom, args.dateTo);
  return {
    conditions: [
      ...given(
        args.dateFrom && { op: 'gte', column: 'scheduledStartDate', value: args.dateFrom },
        args.dateTo && { op: 'lt', column: 'scheduledStartDate', value: new Date(args.dateTo.getTime() + dayMs) },
        args.statuses && { op: 'in', column: 'status', values: args.statuses },
      ),
      ...changedSince(args),
      ...extra,
    ],
    order: appointmentOrder.sortKeys(args.orderBy),
  };
}

builder.queryFields((t) => ({
  appointments: t.connection({
    ...fieldGuard('Appointment', 'Appointments, by scheduled start unless `orderBy` says otherwise.'),
    type: AppointmentRef,
    args: {
      dateFrom: t.arg({ type: 'Date', description: 'Starting on or after this day (UTC).' }),
      dateTo: t.arg({ type: 'Date', description: 'Starting on or before this day (UTC).' }),
      statuses: t.arg({ type: [AppointmentStatusEnum], description: 'Any of these statuses.' }),
      facilityId: idFilterArgument(t.arg, 'Facility'),
      patientId: idFilterArgument(t.arg, 'Patient'),
      providerId: idFilterArgument(t.arg, 'Provider'),
      ...changeAndOrderArgs(t.arg, appointmentOrder),
    },
    resolve: rootPages('Appointment', (args) => appointmentList(
          args,
          given(
            args.facilityId != null && { op: 'eq', column: 'facilityId', value: args.facilityId },
            args.patientId != null && { op: 'eq', column: 'patientId', value: args.patientId },
            args.providerId != null && { op: 'eq', column: 'providerId', value: args.providerId },
          ),
        )),
  }, AppointmentConnection),
  appointment: t.field({
    ...fieldGuard('Appointment', 'An appointment by id; null when none exists in this organization.'),
    type: AppointmentRef,
    args: { id: byIdArgument(t.arg, 'Appointment') },
    resolve: byIdRoot('Appointment'),
  }),
}));

for (const [parent, column, description] of [
  [PatientRef, 'patientId', "The patient's appointments."],
  [ProviderRef, 'providerId', "The provider's appointments."],
  [FacilityRef, 'facilityId', "The facility's appointments."],
] as const) {
  builder.objectField(parent, 'appointments', (t) =>
    t.connection({
      ...fieldGuard('Appointment', `${description} By scheduled start unless \`orderBy\` says otherwise.`),
      type: AppointmentRef,
      args: {
        dateFrom: t.arg({ type: 'Date', description: 'Starting on or after this day (UTC).' }),
        dateTo: t.arg({ type: 'Date', description: 'Starting on or before this day (UTC).' }),
        statuses: t.arg({ type: [AppointmentStatusEnum], description: 'Any of these statuses.' }),
        ...changeAndOrderArgs(t.arg, appointmentOrder),
      },
      resolve: childPages('Appointment', column, (args) => appointmentList(args)),
    }, AppointmentConnection),
  );
}

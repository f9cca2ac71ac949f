import { AppointmentStatus } from '../generated/prisma/enums.js';
import { builder, fieldGuard } from '../builder.js';
import type { ListQuery, Rows } from '../data/loaders.js';
import type { Condition } from '../data/sql.js';
import { checkDateRange, given, parseId } from './arguments.js';
import { childConnection, connectionType, enumOf, referenceTo, resourceNode, rootConnection, rowById } from './connections.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders, type ChangedSinceArgs } from './ordering.js';
import { FacilityRef } from './facilities.js';
import { PatientRef } from './patients.js';
import { ProviderRef } from './providers.js';

export const AppointmentStatusEnum = enumOf('AppointmentStatus', AppointmentStatus, 'Where an appointment stands.');

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
    scheduledStartDate: t.expose('scheduledStartDate', { type: 'DateTime' }),
    scheduledEndDate: t.expose('scheduledEndDate', { type: 'DateTime' }),
    status: t.expose('status', { type: AppointmentStatusEnum }),
    isNewPatient: t.exposeBoolean('isNewPatient'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
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
      facilityId: t.arg.id(),
      patientId: t.arg.id(),
      providerId: t.arg.id(),
      ...changeAndOrderArgs(t.arg, appointmentOrder),
    },
    resolve: (_root, args, context, info) =>
      rootConnection(
        context,
        'Appointment',
        appointmentList(
          args,
          given(
            args.facilityId != null && { op: 'eq', column: 'facilityId', value: parseId(args.facilityId, 'Facility', 'facilityId') },
            args.patientId != null && { op: 'eq', column: 'patientId', value: parseId(args.patientId, 'Patient', 'patientId') },
            args.providerId != null && { op: 'eq', column: 'providerId', value: parseId(args.providerId, 'Provider', 'providerId') },
          ),
        ),
        args,
        info,
      ),
  }, AppointmentConnection),
  appointment: t.field({
    ...fieldGuard('Appointment', 'An appointment by id; null when none exists in this organization.'),
    type: AppointmentRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context, info) => rowById(context, 'Appointment', parseId(args.id, 'Appointment'), info),
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
      resolve: (row, args, context, info) => childConnection(context, 'Appointment', column, row.id, appointmentList(args), args, info),
    }, AppointmentConnection),
  );
}

import { byIdArgument } from './id-arguments.js';
import { builder, fieldGuard } from '../builder.js';
import type { Rows } from '../data/loaders.js';
import { searchCondition } from './arguments.js';
import { connectionType, resourceNode, rootPages, byIdRoot } from './connections.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders } from './ordering.js';

export const PatientRef = builder.objectRef<Rows['Patient']>('Patient');
const PatientConnection = connectionType(PatientRef, 'Patient');
const patientOrder = listOrder(
  'Patient',
  { NAME: { description: 'Last name, then first name.', columns: ['lastName', 'firstName'] }, ...timeOrders },
  { field: 'NAME', direction: 'asc' },
);

resourceNode('Patient', PatientRef, {
  description: 'A patient of the clinic.',
  fields: (t) => ({
    mrn: t.exposeString('mrn', { nullable: true, description: 'Medical record number; null when the clinic assigns none.' }),
    firstName: t.exposeString('firstName', { description: 'Legal first name.' }),
    lastName: t.exposeString('lastName', { description: 'Legal last name.' }),
    middleName: t.exposeString('middleName', { nullable: true, description: 'Middle name; null when none is on file.' }),
    gender: t.exposeString('gender', {
      nullable: true,
      description: 'Gender as the clinic recorded it, in lowercase (e.g. female, male, other): free text, not a closed list. Null when not recorded.',
    }),
    dateOfBirth: t.expose('dateOfBirth', { type: 'Date', nullable: true, description: 'Date of birth; null when not on file.' }),
    email: t.exposeString('email', { nullable: true, description: 'Email address; null when the patient has none on file.' }),
    phone: t.exposeString('phone', { nullable: true, description: 'Phone number as entered, e.g. "(312) 555-0142"; null when the patient has none on file.' }),
  }),
});

builder.queryFields((t) => ({
  patients: t.connection({
    ...fieldGuard('Patient', 'Patients, by last name then first name unless `orderBy` says otherwise. `search` matches name, MRN, email or phone.'),
    type: PatientRef,
    args: {
      search: t.arg.string({ description: 'Words (at most 100 characters) each found in a name, MRN, email or phone number; case-insensitive.' }),
      ...changeAndOrderArgs(t.arg, patientOrder),
    },
    resolve: rootPages('Patient', (args) => ({
          conditions: [...searchCondition(args.search, ['firstName', 'lastName', 'middleName', 'mrn', 'email', 'phone']), ...changedSince(args)],
          order: patientOrder.sortKeys(args.orderBy),
        })),
  }, PatientConnection),
  patient: t.field({
    ...fieldGuard('Patient', 'A patient by id; null when no such patient exists in this organization.'),
    type: PatientRef,
    args: { id: byIdArgument(t.arg, 'Patient') },
    resolve: byIdRoot('Patient'),
  }),
}));

import { builder, fieldGuard } from '../builder.js';
import type { Rows } from '../data/loaders.js';
import { parseId, searchCondition } from './arguments.js';
import { connectionType, resourceNode, rootConnection, rowById } from './connections.js';

export const PatientRef = builder.objectRef<Rows['Patient']>('Patient');
const PatientConnection = connectionType(PatientRef, 'Patient');

resourceNode('Patient', PatientRef, {
  description: 'A patient of the clinic.',
  fields: (t) => ({
    mrn: t.exposeString('mrn', { nullable: true, description: 'Medical record number, when the clinic assigns one.' }),
    firstName: t.exposeString('firstName'),
    lastName: t.exposeString('lastName'),
    middleName: t.exposeString('middleName', { nullable: true }),
    gender: t.exposeString('gender', { nullable: true }),
    dateOfBirth: t.expose('dateOfBirth', { type: 'Date', nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  patients: t.connection({
    ...fieldGuard('Patient', 'Patients, by last name then first name. `search` matches name, MRN, email or phone.'),
    type: PatientRef,
    args: { search: t.arg.string({ description: 'Part of a name, MRN, email or phone number.' }) },
    resolve: (_root, args, context, info) =>
      rootConnection(
        context,
        'Patient',
        {
          conditions: searchCondition(args.search, ['firstName', 'lastName', 'middleName', 'mrn', 'email', 'phone']),
          order: [{ column: 'lastName' }, { column: 'firstName' }],
        },
        args,
        info,
      ),
  }, PatientConnection),
  patient: t.field({
    ...fieldGuard('Patient', 'A patient by id; null when no such patient exists in this organization.'),
    type: PatientRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context, info) => rowById(context, 'Patient', parseId(args.id, 'Patient'), info),
  }),
}));

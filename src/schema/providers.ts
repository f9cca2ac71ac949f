import { builder, fieldGuard } from '../builder.js';
import type { Rows } from '../data/loaders.js';
import { given, parseId, searchCondition } from './arguments.js';
import { connectionType, resourceNode, rootConnection, rowById } from './connections.js';

export const ProviderRef = builder.objectRef<Rows['Provider']>('Provider');
const ProviderConnection = connectionType(ProviderRef, 'Provider');

resourceNode('Provider', ProviderRef, {
  description: 'A clinician or staff member who sees patients or signs charts.',
  fields: (t) => ({
    firstName: t.exposeString('firstName'),
    lastName: t.exposeString('lastName'),
    displayFirstName: t.exposeString('displayFirstName', { description: 'As shown to patients, e.g. "Dr. James".' }),
    displayLastName: t.exposeString('displayLastName', { description: 'As shown to patients, e.g. "Wilson, MD".' }),
    username: t.exposeString('username'),
    roles: t.exposeStringList('roles', { description: 'Role names, e.g. Physician, Surgeon.' }),
    individualNpi: t.exposeString('individualNpi', {
      nullable: true,
      description: 'Type 1 NPI: 10 digits, the last a Luhn check digit over the 80840 prefix.',
    }),
    canFinalize: t.exposeBoolean('canFinalize'),
    canCosign: t.exposeBoolean('canCosign'),
    hidden: t.exposeBoolean('hidden'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.queryFields((t) => ({
  providers: t.connection({
    ...fieldGuard('Provider', 'Providers, by last name then first name.'),
    type: ProviderRef,
    args: {
      search: t.arg.string({ description: 'Part of a name (legal or display) or username.' }),
      role: t.arg.string({ description: 'Only providers holding this role, e.g. "Physician".' }),
      hidden: t.arg.boolean(),
    },
    resolve: (_root, args, context, info) =>
      rootConnection(
        context,
        'Provider',
        {
          conditions: [
            ...searchCondition(args.search, ['firstName', 'lastName', 'displayFirstName', 'displayLastName', 'username']),
            ...given(
              args.role != null && { op: 'arrayHas', column: 'roles', value: args.role },
              args.hidden != null && { op: 'eq', column: 'hidden', value: args.hidden },
            ),
          ],
          order: [{ column: 'lastName' }, { column: 'firstName' }],
        },
        args,
        info,
      ),
  }, ProviderConnection),
  provider: t.field({
    ...fieldGuard('Provider', 'A provider by id; null when none exists in this organization.'),
    type: ProviderRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context, info) => rowById(context, 'Provider', parseId(args.id, 'Provider'), info),
  }),
}));

import { byIdArgument } from './id-arguments.js';
import { builder, fieldGuard } from '../builder.js';
import type { Rows } from '../data/loaders.js';
import { given, searchCondition } from './arguments.js';
import { connectionType, resourceNode, rootPages, byIdRoot } from './connections.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders } from './ordering.js';

export const ProviderRef = builder.objectRef<Rows['Provider']>('Provider');
const ProviderConnection = connectionType(ProviderRef, 'Provider');
const providerOrder = listOrder(
  'Provider',
  { NAME: { description: 'Last name, then first name (legal names).', columns: ['lastName', 'firstName'] }, ...timeOrders },
  { field: 'NAME', direction: 'asc' },
);

resourceNode('Provider', ProviderRef, {
  description: 'A clinician or staff member who sees patients or signs charts.',
  fields: (t) => ({
    firstName: t.exposeString('firstName', { description: 'Legal first name.' }),
    lastName: t.exposeString('lastName', { description: 'Legal last name.' }),
    displayFirstName: t.exposeString('displayFirstName', { description: 'As shown to patients, e.g. "Dr. James".' }),
    displayLastName: t.exposeString('displayLastName', { description: 'As shown to patients, e.g. "Wilson, MD".' }),
    username: t.exposeString('username', { description: 'Sign-in name on the clinic platform.' }),
    roles: t.exposeStringList('roles', { description: 'Role names, e.g. Physician, Surgeon.' }),
    individualNpi: t.exposeString('individualNpi', {
      nullable: true,
      description: 'Type 1 NPI: 10 digits, the last a Luhn check digit over the 80840 prefix; null when not on file (e.g. staff who do not bill).',
    }),
    canFinalize: t.exposeBoolean('canFinalize', { description: 'May finalize coding groups (sign off the coding of a bill).' }),
    canCosign: t.exposeBoolean('canCosign', { description: 'May co-sign the charts of providers who need a supervising signature.' }),
    hidden: t.exposeBoolean('hidden', { description: 'Hidden from scheduling and lists on the platform (e.g. has left); still named on past records.' }),
  }),
});

builder.queryFields((t) => ({
  providers: t.connection({
    ...fieldGuard('Provider', 'Providers, by last name then first name unless `orderBy` says otherwise.'),
    type: ProviderRef,
    args: {
      search: t.arg.string({ description: 'Words (at most 100 characters) each found in a name (legal or display) or the username; case-insensitive.' }),
      role: t.arg.string({ description: 'Only providers holding this role, exactly as named (e.g. "Physician").' }),
      hidden: t.arg.boolean({ description: 'Only hidden providers (true) or only listed ones (false); both when omitted.' }),
      ...changeAndOrderArgs(t.arg, providerOrder),
    },
    resolve: rootPages('Provider', (args) => ({
          conditions: [
            ...searchCondition(args.search, ['firstName', 'lastName', 'displayFirstName', 'displayLastName', 'username']),
            ...given(
              args.role != null && { op: 'arrayHas', column: 'roles', value: args.role },
              args.hidden != null && { op: 'eq', column: 'hidden', value: args.hidden },
            ),
            ...changedSince(args),
          ],
          order: providerOrder.sortKeys(args.orderBy),
        })),
  }, ProviderConnection),
  provider: t.field({
    ...fieldGuard('Provider', 'A provider by id; null when none exists in this organization.'),
    type: ProviderRef,
    args: { id: byIdArgument(t.arg, 'Provider') },
    resolve: byIdRoot('Provider'),
  }),
}));

import { byIdArgument } from './id-arguments.js';
import { builder, fieldGuard } from '../builder.js';
import type { Rows } from '../data/loaders.js';
import { given, searchCondition } from './arguments.js';
import { connectionType, resourceNode, rootPages, byIdRoot } from './connections.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders } from './ordering.js';

export const FacilityRef = builder.objectRef<Rows['Facility']>('Facility');
const FacilityConnection = connectionType(FacilityRef, 'Facility');
const facilityOrder = listOrder('Facility', { NAME: { description: 'Name.', columns: ['name'] }, ...timeOrders }, { field: 'NAME', direction: 'asc' });

resourceNode('Facility', FacilityRef, {
  description: 'A location of the clinic.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The location\'s name, as patients see it.' }),
    timezone: t.exposeString('timezone', { description: 'IANA time zone, e.g. America/Chicago.' }),
    specialty: t.exposeString('specialty', { nullable: true, description: 'The specialty practised there, e.g. "Dermatology"; null when none is set.' }),
    isVisible: t.exposeBoolean('isVisible', { description: 'Shown to patients (e.g. in online booking).' }),
    organizationNpi: t.exposeString('organizationNpi', { nullable: true, description: 'Type 2 (organization) NPI: 10 digits, Luhn check digit; null when not on file.' }),
  }),
});

builder.queryFields((t) => ({
  facilities: t.connection({
    ...fieldGuard('Facility', 'Facilities, by name unless `orderBy` says otherwise.'),
    type: FacilityRef,
    args: {
      search: t.arg.string({ description: 'Words (at most 100 characters) each found in the name; case-insensitive.' }),
      isVisible: t.arg.boolean({ description: 'Only facilities shown to patients (true) or only hidden ones (false); both when omitted.' }),
      ...changeAndOrderArgs(t.arg, facilityOrder),
    },
    resolve: rootPages('Facility', (args) => ({
          conditions: [
            ...searchCondition(args.search, ['name']),
            ...given(args.isVisible != null && { op: 'eq', column: 'isVisible', value: args.isVisible }),
            ...changedSince(args),
          ],
          order: facilityOrder.sortKeys(args.orderBy),
        })),
  }, FacilityConnection),
  facility: t.field({
    ...fieldGuard('Facility', 'A facility by id; null when none exists in this organization.'),
    type: FacilityRef,
    args: { id: byIdArgument(t.arg, 'Facility') },
    resolve: byIdRoot('Facility'),
  }),
}));

import type { GraphQLError } from 'graphql';
import type { RequestContext } from '../context.js';
import { badUserInput, insufficientScope } from '../errors.js';
import { typeOfId } from '../ids.js';
import { isClinicType, resourceOf, type Rows } from '../resources.js';

export type NodeRow = Rows[keyof Rows];

/**
 * The one way a node is loaded by id, for `node`, `nodes` and any field that returns the Node
 * interface: the id's prefix names the resource, the caller's scopes must reach that resource's scope,
 * and the row comes through the organization-filtered loader. A denied id answers its own error (an
 * Error value, so the other entries of a list still answer); an id of another clinic answers null.
 */
export function loadNode(context: RequestContext, id: string): NodeRow | null | GraphQLError | Promise<NodeRow | null> {
  const type = typeOfId(id);
  if (!type || !isClinicType(type)) {
    throw badUserInput(
      type
        ? `"${id.slice(0, 64)}" is the id of ${type === 'Organization' ? 'an' : 'a'} ${type}, which is not a node of the clinic graph; pass the id of a patient, appointment, bill, … (pat_…, apt_…, bil_…).`
        : `"${id.slice(0, 64)}" is not a clinicgraph id. Ids look like pat_… or apt_….`,
      { argument: 'id' },
    );
  }
  const { scope } = resourceOf[type];
  if (!context.caller.scopes.has(scope)) return insufficientScope([scope]);
  return context.loaders.byId(type, id);
}

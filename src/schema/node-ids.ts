import { isObjectType, type GraphQLSchema } from 'graphql';
import type { RequestContext } from '../context.js';

type Encode = (typename: string, id: string | number | bigint, context: RequestContext) => string;

/**
 * Pothos's relay plugin resolves every node's `id` through an async wrapper (it awaits the id, then
 * encodes it), so each object of a response costs a promise, and graphql-js then completes every such
 * object asynchronously. With 600 objects in a response (100 patients, 500 appointments) those
 * promises and the execution state they keep alive took about half of the CPU. Every node here is a
 * row whose `id` is its id, so the same encoding (the builder's encodeGlobalID) runs synchronously.
 */
export function synchronousNodeIds(schema: GraphQLSchema, encode: Encode | undefined): GraphQLSchema {
  if (!encode) throw new Error('synchronousNodeIds needs the relay encodeGlobalID the builder uses.');
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.getInterfaces().some((iface) => iface.name === 'Node')) continue;
    const id = type.getFields().id;
    if (!id) continue;
    const typename = type.name;
    id.resolve = (row: { id: string }, _args, context: RequestContext) => encode(typename, row.id, context);
  }
  return schema;
}

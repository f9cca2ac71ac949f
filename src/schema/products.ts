import { ProductType } from '../generated/prisma/enums.js';
import { builder, fieldGuard } from '../builder.js';
import type { Rows } from '../data/loaders.js';
import { given, parseId, searchCondition } from './arguments.js';
import { connectionType, enumOf, resourceNode, rootConnection, rowById } from './connections.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders } from './ordering.js';

export const ProductTypeEnum = enumOf('ProductType', ProductType, 'What kind of item a product is.');

export const ProductRef = builder.objectRef<Rows['Product']>('Product');
const ProductConnection = connectionType(ProductRef, 'Product');

resourceNode('Product', ProductRef, {
  description: 'An item of the product catalog: a drug, supply or device the clinic stocks.',
  fields: (t) => ({
    gtin: t.exposeString('gtin', { nullable: true, description: 'GTIN-14 with its GS1 check digit.' }),
    additionalGtins: t.exposeStringList('additionalGtins', { description: 'Other GTINs of the same product (other pack sizes).' }),
    customBarcode: t.exposeString('customBarcode', { nullable: true }),
    ndc: t.exposeString('ndc', { nullable: true, description: 'National Drug Code, e.g. "0002-1365-01".' }),
    name: t.exposeString('name'),
    manufacturer: t.exposeString('manufacturer', { nullable: true }),
    type: t.expose('type', { type: ProductTypeEnum }),
    description: t.exposeString('description', { nullable: true }),
    unitOfMeasure: t.exposeString('unitOfMeasure'),
    quantityPerUnit: t.exposeInt('quantityPerUnit'),
    metadata: t.expose('metadata', { type: 'JSON' }),
    archivedAt: t.expose('archivedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const productOrder = listOrder('Product', { NAME: { description: 'Name.', columns: ['name'] }, ...timeOrders }, { field: 'NAME', direction: 'asc' });

builder.queryFields((t) => ({
  products: t.connection({
    ...fieldGuard('Product', 'Products, by name unless `orderBy` says otherwise.'),
    type: ProductRef,
    args: {
      search: t.arg.string({ description: 'Part of the name or manufacturer, or an identifier: GTIN, NDC, custom barcode.' }),
      type: t.arg({ type: ProductTypeEnum }),
      archived: t.arg.boolean({ description: 'true: only archived products; false: only active ones; omitted: both.' }),
      ...changeAndOrderArgs(t.arg, productOrder),
    },
    resolve: (_root, args, context, info) =>
      rootConnection(
        context,
        'Product',
        {
          conditions: [
            ...searchCondition(args.search, ['name', 'manufacturer', 'gtin', 'ndc', 'customBarcode'], ['additionalGtins']),
            ...given(
              args.type && { op: 'eq', column: 'type', value: args.type },
              args.archived === true && { op: 'notNull', column: 'archivedAt' },
              args.archived === false && { op: 'isNull', column: 'archivedAt' },
            ),
            ...changedSince(args),
          ],
          order: productOrder.sortKeys(args.orderBy),
        },
        args,
        info,
      ),
  }, ProductConnection),
  product: t.field({
    ...fieldGuard('Product', 'A product by id; null when none exists in this organization.'),
    type: ProductRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context, info) => rowById(context, 'Product', parseId(args.id, 'Product'), info),
  }),
}));

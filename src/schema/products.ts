import { ProductType } from '../generated/prisma/enums.js';
import { byIdArgument } from './id-arguments.js';
import { builder, fieldGuard } from '../builder.js';
import type { Rows } from '../data/loaders.js';
import { given, searchCondition } from './arguments.js';
import { connectionType, enumOf, resourceNode, rootPages, byIdRoot } from './connections.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders } from './ordering.js';

export const ProductTypeEnum = enumOf('ProductType', ProductType, {
  description: 'What kind of item a product is.',
  values: {
    drug: 'A medication, usually with an NDC.',
    supply: 'A consumable: gloves, gauze, syringes, cryogen.',
    device: 'A medical device or test kit.',
    biologic: 'A vaccine or other biologic product.',
    cosmetic: 'An aesthetic product such as a dermal filler, usually cash-pay.',
  },
});

export const ProductRef = builder.objectRef<Rows['Product']>('Product');
const ProductConnection = connectionType(ProductRef, 'Product');

resourceNode('Product', ProductRef, {
  description: 'An item of the product catalog: a drug, supply or device the clinic stocks.',
  fields: (t) => ({
    gtin: t.exposeString('gtin', { nullable: true, description: 'GTIN-14 with its GS1 check digit; null for products without one (see `customBarcode`).' }),
    additionalGtins: t.exposeStringList('additionalGtins', { description: 'Other GTINs of the same product (other pack sizes).' }),
    customBarcode: t.exposeString('customBarcode', { nullable: true, description: "The clinic's own barcode for items without a GTIN; null when none." }),
    ndc: t.exposeString('ndc', { nullable: true, description: 'National Drug Code, e.g. "0002-1365-01"; null for products that are not drugs or biologics.' }),
    name: t.exposeString('name', { description: 'The product name, with its strength or pack where it matters.' }),
    manufacturer: t.exposeString('manufacturer', { nullable: true, description: 'The maker, e.g. "GlaxoSmithKline"; null when not recorded.' }),
    type: t.expose('type', { type: ProductTypeEnum, description: 'Drug, supply, device, biologic or cosmetic.' }),
    description: t.exposeString('description', { nullable: true, description: 'A longer description; null when none.' }),
    unitOfMeasure: t.exposeString('unitOfMeasure', {
      description: 'What one unit of the product is, e.g. each, box, vial, carton, kit, L: stock and item quantities count these.',
    }),
    quantityPerUnit: t.exposeInt('quantityPerUnit', { description: 'How many pieces one unit holds (10 for a carton of 10); 1 or more, default 1.' }),
    metadata: t.expose('metadata', { type: 'JSON', description: "Further attributes as a JSON object, e.g. storage or a vaccine's CVX code; {} when none." }),
    archivedAt: t.expose('archivedAt', { type: 'DateTime', nullable: true, description: 'When the product was archived (no longer stocked); null while active.' }),
  }),
});

const productOrder = listOrder('Product', { NAME: { description: 'Name.', columns: ['name'] }, ...timeOrders }, { field: 'NAME', direction: 'asc' });

builder.queryFields((t) => ({
  products: t.connection({
    ...fieldGuard('Product', 'Products, by name unless `orderBy` says otherwise.'),
    type: ProductRef,
    args: {
      search: t.arg.string({ description: 'Part of the name or manufacturer, or an identifier: GTIN, NDC, custom barcode.' }),
      type: t.arg({ type: ProductTypeEnum, description: 'Only products of this type; all when omitted.' }),
      archived: t.arg.boolean({ description: 'true: only archived products; false: only active ones; omitted: both.' }),
      ...changeAndOrderArgs(t.arg, productOrder),
    },
    resolve: rootPages('Product', (args) => ({
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
        })),
  }, ProductConnection),
  product: t.field({
    ...fieldGuard('Product', 'A product by id; null when none exists in this organization.'),
    type: ProductRef,
    args: { id: byIdArgument(t.arg, 'Product') },
    resolve: byIdRoot('Product'),
  }),
}));

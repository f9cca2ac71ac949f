import { InventoryChangeStatus, InventoryChangeType } from '../generated/prisma/enums.js';
import { builder, fieldGuard, partGuard } from '../builder.js';
import type { Rows } from '../data/loaders.js';
import { given, parseId } from './arguments.js';
import { childConnection, childList, connectionType, enumOf, referenceTo, resourceNode, rootConnection, rowById } from './connections.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders } from './ordering.js';
import { FacilityRef } from './facilities.js';
import { ProductRef } from './products.js';

const ChangeTypeEnum = enumOf('InventoryChangeType', InventoryChangeType, 'What an inventory change records.');
const ChangeStatusEnum = enumOf('InventoryChangeStatus', InventoryChangeStatus, 'Open changes do not count in stock yet.');

const InventoryChangeRef = builder.objectRef<Rows['InventoryChange']>('InventoryChange');
const InventoryChangeConnection = connectionType(InventoryChangeRef, 'InventoryChange');
const InventoryChangeItemRef = builder.objectRef<Rows['InventoryChangeItem']>('InventoryChangeItem');
const InventoryChangeItemConnection = connectionType(InventoryChangeItemRef, 'InventoryChangeItem');
const StockLevelRef = builder.objectRef<Rows['StockLevel']>('StockLevel');
const StockLevelConnection = connectionType(StockLevelRef, 'StockLevel');

resourceNode('InventoryChange', InventoryChangeRef, {
  description: 'A session of stock movement at a facility, such as receiving a shipment.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'e.g. "Weekly Receiving - Jan 20".' }),
    type: t.expose('type', { type: ChangeTypeEnum }),
    status: t.expose('status', { type: ChangeStatusEnum }),
    notes: t.exposeString('notes', { nullable: true }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    itemCount: t.int({
      description: 'How many items the change holds.',
      resolve: (change, _args, context) => context.loaders.countOf('InventoryChangeItem', 'changeId', change.id, []),
    }),
    facility: t.field(referenceTo('Facility', FacilityRef, (change: Rows['InventoryChange']) => change.facilityId, 'Where the stock moved.')),
    items: t.connection({
      ...partGuard('InventoryChangeItem'),
      type: InventoryChangeItemRef,
      description: 'The scanned or entered items, in the order recorded.',
      resolve: (change, args, context, info) =>
        childConnection(context, 'InventoryChangeItem', 'changeId', change.id, { conditions: [], order: [{ column: 'createdAt' }] }, args, info),
    }, InventoryChangeItemConnection),
  }),
});

resourceNode('InventoryChangeItem', InventoryChangeItemRef, {
  description: 'One product line of an inventory change, often scanned from a GS1 barcode.',
  fields: (t) => ({
    scanSourceType: t.exposeString('scanSourceType', { description: 'e.g. product_packaging, manual.' }),
    rawBarcode: t.exposeString('rawBarcode', { nullable: true, description: 'The GS1 element string as scanned.' }),
    gtin: t.exposeString('gtin', { nullable: true }),
    lotNumber: t.exposeString('lotNumber', { nullable: true }),
    expirationDate: t.expose('expirationDate', { type: 'Date', nullable: true }),
    serialNumber: t.exposeString('serialNumber', { nullable: true }),
    quantity: t.exposeInt('quantity', { description: 'Signed: receiving adds, waste removes.' }),
    parsedFields: t.expose('parsedFields', {
      type: 'JSON',
      description: 'GS1 application identifier → value: 01 GTIN, 10 lot, 17 expiry (YYMMDD), 21 serial.',
    }),
    notes: t.exposeString('notes', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    change: t.field(referenceTo('InventoryChange', InventoryChangeRef, (item: Rows['InventoryChangeItem']) => item.changeId, 'The change this item belongs to.')),
    product: t.field(referenceTo('Product', ProductRef, (item: Rows['InventoryChangeItem']) => item.productId, 'The product.')),
  }),
});

resourceNode('StockLevel', StockLevelRef, {
  description: 'How much of a product a facility holds: the sum of its closed changes.',
  fields: (t) => ({
    quantity: t.exposeInt('quantity'),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    product: t.field(referenceTo('Product', ProductRef, (level: Rows['StockLevel']) => level.productId, 'The product.')),
    facility: t.field(referenceTo('Facility', FacilityRef, (level: Rows['StockLevel']) => level.facilityId, 'The facility.')),
  }),
});

const changeOrder = listOrder('InventoryChange', { ...timeOrders }, { field: 'CREATED_AT', direction: 'desc' });
const stockOrder = listOrder(
  'StockLevel',
  { PRODUCT: { description: 'Product id (a stable order, not the product name).', columns: ['productId'] }, UPDATED_AT: timeOrders.UPDATED_AT },
  { field: 'PRODUCT', direction: 'asc' },
);

builder.queryFields((t) => ({
  inventoryChanges: t.connection({
    ...fieldGuard('InventoryChange', "A facility's inventory changes, newest first unless `orderBy` says otherwise."),
    type: InventoryChangeRef,
    args: {
      facilityId: t.arg.id({ required: true }),
      status: t.arg({ type: ChangeStatusEnum }),
      type: t.arg({ type: ChangeTypeEnum }),
      ...changeAndOrderArgs(t.arg, changeOrder),
    },
    resolve: (_root, args, context, info) =>
      rootConnection(
        context,
        'InventoryChange',
        {
          conditions: [
            { op: 'eq', column: 'facilityId', value: parseId(args.facilityId, 'Facility', 'facilityId') },
            ...given(
              args.status && { op: 'eq', column: 'status', value: args.status },
              args.type && { op: 'eq', column: 'type', value: args.type },
            ),
            ...changedSince(args),
          ],
          order: changeOrder.sortKeys(args.orderBy),
        },
        args,
        info,
      ),
  }, InventoryChangeConnection),
  inventoryChange: t.field({
    ...fieldGuard('InventoryChange', 'An inventory change by id; null when none exists in this organization.'),
    type: InventoryChangeRef,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, args, context, info) => rowById(context, 'InventoryChange', parseId(args.id, 'InventoryChange'), info),
  }),
  stockLevels: t.connection({
    ...fieldGuard('StockLevel', "A facility's stock, one entry per product."),
    type: StockLevelRef,
    args: {
      facilityId: t.arg.id({ required: true }),
      productId: t.arg.id(),
      ...changeAndOrderArgs(t.arg, stockOrder),
    },
    resolve: (_root, args, context, info) =>
      rootConnection(
        context,
        'StockLevel',
        {
          conditions: [
            { op: 'eq', column: 'facilityId', value: parseId(args.facilityId, 'Facility', 'facilityId') },
            ...given(args.productId != null && { op: 'eq', column: 'productId', value: parseId(args.productId, 'Product', 'productId') }),
            ...changedSince(args),
          ],
          order: stockOrder.sortKeys(args.orderBy),
        },
        args,
        info,
      ),
  }, StockLevelConnection),
}));

builder.objectField(ProductRef, 'stockLevels', (t) =>
  t.field({
    ...fieldGuard('StockLevel', 'Stock of this product in each facility.'),
    type: [StockLevelRef],
    resolve: (product, _args, context, info) =>
      childList(context, 'StockLevel', 'productId', product.id, [{ column: 'facilityId' }], info),
  }),
);

import { InventoryChangeStatus, InventoryChangeType, ScanSourceType } from '../generated/prisma/enums.js';
import { byIdArgument, idFilterArgument, idShape } from './id-arguments.js';
import { builder, fieldGuard, partGuard } from '../builder.js';
import type { Rows } from '../data/loaders.js';
import { given } from './arguments.js';
import { childCount, childPages, childRows, connectionType, enumOf, referenceTo, resourceNode, rootPages, byIdRoot } from './connections.js';
import { changeAndOrderArgs, changedSince, listOrder, timeOrders } from './ordering.js';
import { FacilityRef } from './facilities.js';
import { ProductRef } from './products.js';

const ChangeTypeEnum = enumOf('InventoryChangeType', InventoryChangeType, {
  description: 'What an inventory change records.',
  values: {
    receiving: 'Stock arriving, e.g. a shipment: its items add to stock.',
    adjustment: 'A correction after a count: its items add or remove.',
    transfer: 'Stock moving between facilities: items leaving one facility remove, the same items arriving at another add.',
    waste: 'Stock thrown away (expired, damaged, used in error): its items remove.',
  },
});
const ChangeStatusEnum = enumOf('InventoryChangeStatus', InventoryChangeStatus, {
  description: 'Whether a change still takes items; only closed changes count in stock levels.',
  values: {
    open: 'Still taking items; not counted in stock levels yet.',
    closed: 'Finished (`closedAt`); its items are counted in stock levels.',
  },
});
const ScanSourceTypeEnum = enumOf('ScanSourceType', ScanSourceType, {
  description: 'How an item entered an inventory change.',
  values: {
    product_packaging: "Scanned from the GS1 barcode on the product's packaging: `rawBarcode` and `parsedFields` hold what was read.",
    manual: 'Entered by hand (no barcode was read): `rawBarcode` is null and `parsedFields` empty.',
  },
});

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
    type: t.expose('type', { type: ChangeTypeEnum, description: 'What the change records: receiving, adjustment, transfer or waste.' }),
    status: t.expose('status', { type: ChangeStatusEnum, description: 'Open (still taking items) or closed (counted in stock).' }),
    notes: t.exposeString('notes', { nullable: true, description: 'Free-text notes of the person who recorded it; null when none.' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'When the change was closed (UTC); null while open.' }),
    itemCount: t.int({
      description: 'How many items the change holds.',
      resolve: childCount('InventoryChangeItem', 'changeId'),
    }),
    facility: t.field(referenceTo('Facility', FacilityRef, (change: Rows['InventoryChange']) => change.facilityId, 'Where the stock moved.')),
    items: t.connection({
      ...partGuard('InventoryChangeItem'),
      type: InventoryChangeItemRef,
      description: 'The scanned or entered items, in the order recorded.',
      resolve: childPages('InventoryChangeItem', 'changeId', (_args: object) => ({ conditions: [], order: [{ column: 'createdAt' }] })),
    }, InventoryChangeItemConnection),
  }),
});

resourceNode('InventoryChangeItem', InventoryChangeItemRef, {
  description: 'One product line of an inventory change, often scanned from a GS1 barcode.',
  fields: (t) => ({
    scanSourceType: t.expose('scanSourceType', { type: ScanSourceTypeEnum, description: 'Scanned from the packaging or entered by hand.' }),
    rawBarcode: t.exposeString('rawBarcode', { nullable: true, description: 'The GS1 element string as scanned; null when the item was entered by hand.' }),
    gtin: t.exposeString('gtin', { nullable: true, description: 'GTIN-14 read from the barcode (14 digits, GS1 check digit); null when none was read.' }),
    lotNumber: t.exposeString('lotNumber', { nullable: true, description: 'Batch or lot (GS1 AI 10); null when not recorded.' }),
    expirationDate: t.expose('expirationDate', { type: 'Date', nullable: true, description: 'Expiry (GS1 AI 17); null when none was recorded.' }),
    serialNumber: t.exposeString('serialNumber', { nullable: true, description: 'Serial number (GS1 AI 21) of a serialized product; null otherwise.' }),
    quantity: t.exposeInt('quantity', { description: 'Signed: receiving adds, waste removes.' }),
    parsedFields: t.expose('parsedFields', {
      type: 'JSON',
      description: 'GS1 application identifier → value: 01 GTIN, 10 lot, 17 expiry (YYMMDD), 21 serial.',
    }),
    notes: t.exposeString('notes', { nullable: true, description: 'Why this line was recorded, e.g. "Cycle count overage"; null when none.' }),
    change: t.field(referenceTo('InventoryChange', InventoryChangeRef, (item: Rows['InventoryChangeItem']) => item.changeId, 'The change this item belongs to.')),
    product: t.field(referenceTo('Product', ProductRef, (item: Rows['InventoryChangeItem']) => item.productId, 'The product.')),
  }),
});

resourceNode('StockLevel', StockLevelRef, {
  description: 'How much of a product a facility holds: the sum of its closed changes.',
  fields: (t) => ({
    quantity: t.exposeInt('quantity', {
      description: "Units of the product on hand (each a product's `unitOfMeasure`): the sum of the item quantities of the facility's closed changes.",
    }),
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
      facilityId: t.arg.id({ required: true, description: `The facility (an id ${idShape('Facility')}): inventory is kept per facility.` }),
      status: t.arg({ type: ChangeStatusEnum, description: 'Only changes in this status; all when omitted.' }),
      type: t.arg({ type: ChangeTypeEnum, description: 'Only changes of this type; all when omitted.' }),
      ...changeAndOrderArgs(t.arg, changeOrder),
    },
    resolve: rootPages('InventoryChange', (args) => ({
          conditions: [
            { op: 'eq', column: 'facilityId', value: args.facilityId },
            ...given(
              args.status && { op: 'eq', column: 'status', value: args.status },
              args.type && { op: 'eq', column: 'type', value: args.type },
            ),
            ...changedSince(args),
          ],
          order: changeOrder.sortKeys(args.orderBy),
        })),
  }, InventoryChangeConnection),
  inventoryChange: t.field({
    ...fieldGuard('InventoryChange', 'An inventory change by id; null when none exists in this organization.'),
    type: InventoryChangeRef,
    args: { id: byIdArgument(t.arg, 'InventoryChange') },
    resolve: byIdRoot('InventoryChange'),
  }),
  stockLevels: t.connection({
    ...fieldGuard('StockLevel', "A facility's stock, one entry per product."),
    type: StockLevelRef,
    args: {
      facilityId: t.arg.id({ required: true, description: `The facility (an id ${idShape('Facility')}): stock is kept per facility.` }),
      productId: idFilterArgument(t.arg, 'Product'),
      ...changeAndOrderArgs(t.arg, stockOrder),
    },
    resolve: rootPages('StockLevel', (args) => ({
          conditions: [
            { op: 'eq', column: 'facilityId', value: args.facilityId },
            ...given(args.productId != null && { op: 'eq', column: 'productId', value: args.productId }),
            ...changedSince(args),
          ],
          order: stockOrder.sortKeys(args.orderBy),
        })),
  }, StockLevelConnection),
}));

builder.objectField(ProductRef, 'stockLevels', (t) =>
  t.field({
    ...fieldGuard('StockLevel', 'Stock of this product in each facility.'),
    type: [StockLevelRef],
    resolve: childRows('StockLevel', 'productId', [{ column: 'facilityId' }]),
  }),
);

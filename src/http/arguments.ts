import {
  GraphQLError,
  Kind,
  TypeInfo,
  getArgumentValues,
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { decodeChangeCursor } from '../changes/log.js';
import { maxPageSize, readCursor } from '../data/pagination.js';
import { badUserInput } from '../errors.js';
import { idPrefixes, typeOfId, type IdentifiedType } from '../ids.js';
import { costModel } from './cost.js';

/** Longest `search` text: every word becomes a trigram match. */
export const maxSearchLength = 100;

/** An argument extension naming the type an ID argument (or input field) takes (src/schema/id-arguments.ts sets it); without it, the name must say. */
export const idOfExtension = 'clinicgraphIdOf';

/**
 * An argument extension for text that is a whole operation (`authorize(document:)` and its variables):
 * bounded by the request's own limits (MAX_QUERY_LENGTH, MAX_VARIABLES_BYTES), not by MAX_STRING_ARGUMENT.
 */
export const boundedByRequestExtension = 'clinicgraphBoundedByRequest';

/**
 * NUL and C0 controls other than tab, line feed and carriage return, DEL, and UTF-16 surrogates without
 * their pair: PostgreSQL text cannot hold NUL, the driver would turn a lone surrogate into U+FFFD (so
 * the database would search for something else than what was asked), and no clinic value contains the
 * others. (With the `u` flag a proper pair is one code point and does not match.)
 */
const unacceptable = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]|[\uD800-\uDFFF]/u;

/** Where a value sits: the field and the argument path (`input.url`, `ids`). */
interface Place {
  field: string;
  argument: string;
}

const refuse = (place: Place, message: string, details: Record<string, unknown> = {}) =>
  badUserInput(message, { argument: place.argument, ...details });

function checkText(value: string, place: Place, max: number | null): void {
  const found = unacceptable.exec(value);
  if (found) {
    const code = found[0].charCodeAt(0);
    const hex = code.toString(16).padStart(4, '0');
    const what =
      code === 0
        ? 'a NUL character (\\u0000)'
        : code >= 0xd800 && code <= 0xdfff
          ? `an unpaired UTF-16 surrogate (\\u${hex})`
          : `a control character (\\u${hex})`;
    throw refuse(place, `"${place.argument}" of ${place.field} contains ${what} at position ${found.index}, which text cannot hold. Remove it.`);
  }
  if (max !== null && value.length > max) {
    throw refuse(place, `"${place.argument}" of ${place.field} takes at most ${max} characters; got ${value.length}.`, { max });
  }
}

/** Every string and list inside a value (a JSON argument, an input object): bounded, and text the database can hold. */
function checkBounds(value: unknown, place: Place, maxText: number | null): void {
  if (typeof value === 'string') return checkText(value, place, maxText);
  if (Array.isArray(value)) {
    if (maxText !== null && value.length > costModel.maxListArgument) {
      throw refuse(place, `"${place.argument}" of ${place.field} takes at most ${costModel.maxListArgument} items; got ${value.length}.`, {
        max: costModel.maxListArgument,
      });
    }
    for (const item of value) checkBounds(item, place, maxText);
  } else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) checkBounds(item, { ...place, argument: `${place.argument}.${key}` }, maxText);
  }
}

/** The type an ID position names: declared (`idOfExtension`), `node`/`nodes` (any), `<type>Id(s)`, or `id` of a field returning that type. */
export type IdTarget = IdentifiedType | 'any';

const identified = (name: string): name is IdentifiedType => Object.hasOwn(idPrefixes, name);

function idTargetOf(options: { name: string; extensions: Readonly<Record<string, unknown>>; field: GraphQLField<unknown, unknown>; where: string }): IdTarget {
  const { name, extensions, field, where } = options;
  const declared = extensions[idOfExtension];
  if (typeof declared === 'string' && (declared === 'any' || identified(declared))) return declared;
  const returned = getNamedType(field.type).name;
  if (returned === 'Node') return 'any';
  const named = /^(\w+?)Ids?$/.exec(name)?.[1];
  const typeName = named ? named[0]!.toUpperCase() + named.slice(1) : name === 'id' ? returned : null;
  if (typeName && identified(typeName)) return typeName;
  throw new Error(
    `${where} is an ID whose type neither its name (<type>Id, or id on a field returning the type) nor its declaration (extensions.${idOfExtension}, as src/schema/id-arguments.ts sets) names: say which type it takes, so malformed ids are refused before it runs.`,
  );
}

/**
 * The type the ID at `path` of a field's argument takes (`['input', 'id']` for an input field), as the
 * checks derive it; null when the position is no ID. For tests that build valid and invalid values.
 */
export function idTypeAt(field: GraphQLField<unknown, unknown>, path: readonly string[]): IdTarget | null {
  const [argName, ...rest] = path;
  const arg = field.args.find((candidate) => candidate.name === argName);
  if (!arg) return null;
  let position: { name: string; type: GraphQLInputType; extensions: Readonly<Record<string, unknown>> } = arg;
  for (const key of rest) {
    const named = getNamedType(position.type);
    const inputField = isInputObjectType(named) ? named.getFields()[key] : undefined;
    if (!inputField) return null;
    position = inputField;
  }
  if (getNamedType(position.type).name !== 'ID') return null;
  return idTargetOf({ name: position.name, extensions: position.extensions, field, where: path.join('.') });
}

function checkId(value: string, target: IdTarget, place: Place): void {
  const type = typeOfId(value);
  if (target === 'any' ? type !== null : type === target) return;
  const expected = target === 'any' ? 'a clinicgraph id (pat_…, apt_…)' : `a ${target} id (${idPrefixes[target]}_…)`;
  throw refuse(place, `"${place.argument}" of ${place.field} must be ${expected}; got ${JSON.stringify(value.slice(0, 64))}.`);
}

/**
 * The cursor readers, by the node type of a connection: the keyset cursor of a list of rows
 * (src/data/pagination.ts), and the change feed's position. A connection of any other node type is
 * refused at build.
 */
function cursorReaderOf(nodeType: GraphQLNamedType, where: string): (cursor: string, argument: string) => unknown {
  if (nodeType.name === 'Change') return decodeChangeCursor;
  const rowType = nodeType.name;
  if (identified(rowType)) return (cursor, argument) => readCursor(cursor, rowType, argument);
  throw new Error(`${where} is a cursor of ${nodeType.name}, which has no cursor reader: add one to src/http/arguments.ts.`);
}

/** The node type of a Relay connection type, or null when `type` is not one. */
function connectionNode(type: GraphQLNamedType): GraphQLNamedType | null {
  if (!isObjectType(type) || !type.getFields().pageInfo) return null;
  const edges = type.getFields().edges;
  const edge = edges && getNamedType(edges.type);
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  return node ? getNamedType(node.type) : null;
}

/** How one position of an argument is checked: at the value's field (`field`) or for the whole operation (`operation`). */
interface ArgumentRule {
  /** Strings and lists within their bounds, text the database can hold: over them, the operation does not run (like the other limits). */
  bounds: (value: unknown, place: Place) => void;
  /** Page sizes, ids and cursors: a wrong one fails its field only, the rest of the data returns. */
  value: ((value: unknown, place: Place) => void) | null;
}

/** The value checks of an input position by its type: ids wherever they sit, in lists and input objects. */
function valueCheckOf(options: { type: GraphQLInputType; name: string; extensions: Readonly<Record<string, unknown>>; field: GraphQLField<unknown, unknown>; where: string }) {
  const { type, name, extensions, field, where } = options;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const item = valueCheckOf({ ...options, type: inner.ofType });
    if (!item) return null;
    return (value: unknown, place: Place) => {
      if (Array.isArray(value)) for (const one of value) item(one, place);
    };
  }
  if (isInputObjectType(inner)) {
    const checks = Object.values(inner.getFields()).flatMap((inputField) => {
      const check = valueCheckOf({ type: inputField.type, name: inputField.name, extensions: inputField.extensions, field, where: `${inner.name}.${inputField.name}` });
      return check ? [[inputField.name, check] as const] : [];
    });
    if (checks.length === 0) return null;
    return (value: unknown, place: Place) => {
      if (!value || typeof value !== 'object') return;
      for (const [key, check] of checks) {
        const item = (value as Record<string, unknown>)[key];
        if (item != null) check(item, { ...place, argument: `${place.argument}.${key}` });
      }
    };
  }
  if (isScalarType(inner) && inner.name === 'ID') {
    const target = idTargetOf({ name, extensions, field, where });
    return (value: unknown, place: Place) => {
      if (typeof value === 'string') checkId(value, target, place);
    };
  }
  if (isScalarType(inner) && inner.name === 'Int') {
    if (name !== 'first' && name !== 'last') {
      throw new Error(`${where} is an Int with no derivable bound: only page sizes (first, last) are Int arguments; declare another limit in src/http/arguments.ts.`);
    }
    return (value: unknown, place: Place) => {
      if (typeof value === 'number' && (value < 0 || value > maxPageSize)) {
        throw refuse(place, `"${place.argument}" of ${place.field} must be between 0 and ${maxPageSize}; got ${value}.`, { max: maxPageSize });
      }
    };
  }
  return null;
}

const rulesByField = new WeakMap<GraphQLField<unknown, unknown>, ReadonlyMap<string, ArgumentRule>>();

/** The rules of a field's arguments, derived from their types and names once per field. */
export function argumentRules(field: GraphQLField<unknown, unknown>, parentName: string): ReadonlyMap<string, ArgumentRule> {
  let rules = rulesByField.get(field);
  if (rules) return rules;
  const node = connectionNode(getNamedType(field.type));
  rules = new Map(
    field.args.map((arg) => {
      const where = `${parentName}.${field.name}(${arg.name}:)`;
      const maxText = arg.extensions[boundedByRequestExtension] === true ? null : arg.name === 'search' ? maxSearchLength : costModel.maxStringArgument;
      let value = valueCheckOf({ type: arg.type, name: arg.name, extensions: arg.extensions, field, where });
      if (node && (arg.name === 'after' || arg.name === 'before')) {
        const read = cursorReaderOf(node, where);
        value = (cursor, place) => void (typeof cursor === 'string' && read(cursor, place.argument));
      }
      return [arg.name, { bounds: (item, place) => checkBounds(item, place, maxText), value }];
    }),
  );
  rulesByField.set(field, rules);
  return rules;
}

/** Derives every argument's rules at build: an argument whose checks cannot be derived stops the schema from building. */
export function assertArgumentsChecked(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.values(type.getFields())) argumentRules(field, type.name);
  }
  return schema;
}

export interface ArgumentCheck {
  /** The first argument out of its bounds: the whole operation is refused. */
  refusal: GraphQLError | null;
  /** Fields whose argument values are wrong (an id, a cursor, a page size), each with its error: only they fail. */
  refusedFields: Map<FieldNode, GraphQLError>;
}

/**
 * Runs every argument's rules on the operation, before cost: the field's arguments as the executor will
 * see them (literals and coerced variables), through fragments. `variables` must be coerced.
 */
interface ArgumentSite {
  node: FieldNode;
  field: GraphQLField<unknown, unknown>;
  parentName: string;
}

const sitesCache = new WeakMap<GraphQLSchema, WeakMap<OperationDefinitionNode, ArgumentSite[]>>();

/**
 * The fields of an operation that take arguments, with their definitions: one walk with TypeInfo per
 * document and operation (documents come from yoga's parse cache, so the same nodes return), and per
 * request only the arguments' values are checked.
 */
function argumentSites(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode): ArgumentSite[] {
  let perSchema = sitesCache.get(schema);
  if (!perSchema) sitesCache.set(schema, (perSchema = new WeakMap()));
  let sites = perSchema.get(operation);
  if (sites) return sites;
  const found: ArgumentSite[] = [];
  const definitions = document.definitions.filter((d) => d === operation || d.kind === Kind.FRAGMENT_DEFINITION);
  const typeInfo = new TypeInfo(schema);
  visit(
    { kind: Kind.DOCUMENT, definitions },
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (!node.arguments?.length) return;
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (field && parent && field.args.length > 0) found.push({ node, field: field as GraphQLField<unknown, unknown>, parentName: parent.name });
      },
    }),
  );
  perSchema.set(operation, (sites = found));
  return sites;
}

export function checkArguments(options: {
  schema: GraphQLSchema;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
}): ArgumentCheck {
  const { schema, document, operation, variables } = options;
  const result: ArgumentCheck = { refusal: null, refusedFields: new Map() };
  for (const { node, field, parentName } of argumentSites(schema, document, operation)) {
    let values: Record<string, unknown>;
    try {
      values = getArgumentValues(field, node, variables);
    } catch {
      continue; // Validation reports it.
    }
    const rules = argumentRules(field, parentName);
    for (const [name, value] of Object.entries(values)) {
      const rule = rules.get(name);
      if (!rule || value == null) continue;
      const place = { field: field.name, argument: name };
      try {
        rule.bounds(value, place);
      } catch (error) {
        result.refusal = located(error, node);
        return result;
      }
      try {
        rule.value?.(value, place);
      } catch (error) {
        if (!result.refusedFields.has(node)) result.refusedFields.set(node, located(error, node));
      }
    }
  }
  return result;
}

function located(error: unknown, node: FieldNode): GraphQLError {
  if (!(error instanceof GraphQLError)) throw error;
  return new GraphQLError(error.message, { nodes: [node], extensions: error.extensions });
}

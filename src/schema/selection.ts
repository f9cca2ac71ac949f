import {
  getDirectiveValues,
  getNamedType,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type SelectionSetNode,
} from 'graphql';

/** The edge and node types of a Relay connection type; undefined for any other type. */
export function connectionParts(type: GraphQLNamedType): { edge: GraphQLObjectType; node: GraphQLNamedType } | undefined {
  if (!isObjectType(type) || !type.getFields().pageInfo) return undefined;
  const edges = type.getFields().edges;
  const edge = edges && getNamedType(edges.type);
  const node = edge && isObjectType(edge) ? edge.getFields().node : undefined;
  return edge && isObjectType(edge) && node ? { edge, node: getNamedType(node.type) } : undefined;
}

export interface Selected {
  /** The field's name (the response key may be an alias). */
  name: string;
  nodes: FieldNode[];
}

/**
 * The fields selected under `fieldNodes` (or an operation), by response key, as graphql-js collects them: fragments whose
 * type condition applies to `type`, and, with `variables`, @skip and @include. Without a type every
 * fragment counts, and without variables every field: a superset, for reading ahead.
 */
export function selectedFields(
  info: Pick<GraphQLResolveInfo, 'schema' | 'fragments'>,
  fieldNodes: readonly { readonly selectionSet?: SelectionSetNode | undefined }[],
  type?: GraphQLNamedType,
  variables?: GraphQLResolveInfo['variableValues'],
): Map<string, Selected> {
  const out = new Map<string, Selected>();
  const visited = new Set<string>();
  const included = (node: Parameters<typeof getDirectiveValues>[1]) =>
    !variables ||
    !node.directives?.length ||
    (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if !== true &&
      getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if !== false);
  const applies = (condition: string | undefined) => {
    if (!type || !condition || condition === type.name) return true;
    const conditionType = info.schema.getType(condition);
    return Boolean(conditionType && isAbstractType(conditionType) && isObjectType(type) && info.schema.isSubType(conditionType, type));
  };
  const walk = (set: SelectionSetNode | undefined) => {
    for (const selection of set?.selections ?? []) {
      if (!included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const entry = out.get(key);
        if (entry) entry.nodes.push(selection);
        else out.set(key, { name: selection.name.value, nodes: [selection] });
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (applies(selection.typeCondition?.name.value)) walk(selection.selectionSet);
      } else if (!visited.has(selection.name.value)) {
        visited.add(selection.name.value);
        const fragment: FragmentDefinitionNode | undefined = info.fragments[selection.name.value];
        if (fragment && applies(fragment.typeCondition.name.value)) walk(fragment.selectionSet);
      }
    }
  };
  for (const node of fieldNodes) walk(node.selectionSet);
  return out;
}

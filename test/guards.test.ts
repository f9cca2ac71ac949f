import { GraphQLID, GraphQLInterfaceType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';
import { assertResourceNodes, assertTypesGuarded } from '../src/schema/guards.js';
import { resourceExtension } from '../src/schema/connections.js';
import { scopeOfType } from '../src/scopes.js';

const rule = (scope: string) => ({ pothosOptions: { authScopes: { [scope]: true } } });

function schemaWith(fields: (patient: GraphQLObjectType) => ConstructorParameters<typeof GraphQLObjectType>[0]['fields']) {
  const patient = new GraphQLObjectType({ name: 'Patient', fields: { firstName: { type: GraphQLString } } });
  return new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: fields(patient) }) });
}

describe('every field that reaches a guarded type carries its scope rule', () => {
  it("holds for clinicgraph's schema (it is checked as the schema is built)", () => {
    expect(() => assertTypesGuarded(schema)).not.toThrow();
  });

  it('refuses a schema with a field that reaches a guarded type without its rule, naming the field', () => {
    const unguarded = schemaWith((patient) => ({ patients: { type: new GraphQLNonNull(new GraphQLList(patient)) } }));
    expect(() => assertTypesGuarded(unguarded)).toThrow(/Query\.patients reaches Patient without requiring read:patients/);
  });

  it('refuses a rule naming another scope', () => {
    const wrong = schemaWith((patient) => ({ patient: { type: patient, extensions: rule(scopeOfType.Product) } }));
    expect(() => assertTypesGuarded(wrong)).toThrow(/Query\.patient reaches Patient without requiring read:patients/);
  });

  it("accepts a field on a type the same scope guards (a bill's coding groups), and refuses one on a type another scope guards", () => {
    const types = (parentScope: string) => {
      const group = new GraphQLObjectType({ name: 'CodingGroup', fields: { status: { type: GraphQLString } } });
      const parent = new GraphQLObjectType({ name: parentScope === scopeOfType.Bill ? 'Bill' : 'Patient', fields: { codingGroups: { type: new GraphQLList(group) } } });
      return new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { parent: { type: parent, extensions: rule(parentScope) } } }) });
    };
    expect(() => assertTypesGuarded(types(scopeOfType.Bill))).not.toThrow();
    expect(() => assertTypesGuarded(types(scopeOfType.Patient))).toThrow(/Patient\.codingGroups reaches CodingGroup without requiring read:bills/);
  });

  it('accepts the rule of the type it reaches', () => {
    const guarded = schemaWith((patient) => ({ patient: { type: patient, extensions: rule(scopeOfType.Patient) } }));
    expect(() => assertTypesGuarded(guarded)).not.toThrow();
  });
});

describe('node types match the resource declarations', () => {
  const nodeInterface = new GraphQLInterfaceType({ name: 'Node', fields: { id: { type: new GraphQLNonNull(GraphQLID) } } });
  const node = (name: string, extensions: Record<string, unknown>) =>
    new GraphQLObjectType({ name, interfaces: [nodeInterface], fields: { id: { type: new GraphQLNonNull(GraphQLID) } }, extensions });
  const schemaOf = (...types: GraphQLObjectType[]) =>
    new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString } } }), types });

  it("holds for clinicgraph's schema", () => {
    expect(() => assertResourceNodes(schema)).not.toThrow();
  });

  it('refuses a Node type with a loader of its own, one not declared with resourceNode, and a resource without a Node type', () => {
    const handWritten = node('Patient', { [resourceExtension]: 'Patient', pothosOptions: { loadMany: () => [] } });
    expect(() => assertResourceNodes(schemaOf(handWritten))).toThrow(/Patient has a loader of its own/);
    expect(() => assertResourceNodes(schemaOf(node('Patient', {})))).toThrow(/Patient is a Node not declared with resourceNode/);
    expect(() => assertResourceNodes(schemaOf(node('Patient', { [resourceExtension]: 'Patient' })))).toThrow(/Resource Appointment has no Node type/);
    expect(() => assertResourceNodes(schemaOf(node('Scratch', {})))).toThrow(/Scratch implements Node but is not a clinic resource/);
  });

  it('refuses a field that returns Node without loading through loadNode', () => {
    const unguarded = new GraphQLSchema({ query: new GraphQLObjectType({ name: 'Query', fields: { entity: { type: nodeInterface } } }), types: [node('Patient', {})] });
    expect(() => assertTypesGuarded(unguarded)).toThrow(/Query\.entity returns Node without loading through loadNode/);
  });
});

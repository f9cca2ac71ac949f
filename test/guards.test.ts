import { GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.js';
import { assertTypesGuarded } from '../src/schema/guards.js';
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

import { builder, fieldGuard, typeGuard } from '../builder.js';
import type { Caller } from '../auth/authenticate.js';
import { scopeOfType, scopeTable } from '../scopes.js';
import { idShape } from './id-arguments.js';

/** The fields every answer about a scope shares (`me.scopeStatus`, `authorize`'s requirements). */
export const scopeEntryDescriptions = {
  scope: 'The scope id, as the scope table names it (`read:<resource>`).',
  title: 'Its title in the scope table, as the clinic\'s consent page shows it.',
} as const;

const MeApp = builder.objectRef<Caller['app']>('MeApp').implement({
  description: 'The calling app.',
  fields: (t) => ({
    id: t.exposeID('id', { description: `The app's id (${idShape('App')}).` }),
    slug: t.exposeString('slug', { description: 'Its unique short name, e.g. "recall-reminders".' }),
    name: t.exposeString('name', { description: 'Its display name, as clinics see it.' }),
    liveVersionId: t.exposeID('liveVersionId', { nullable: true, description: 'The app version whose declared scopes are in force; null for an app without a published version.' }),
    declaredScopes: t.exposeStringList('declaredScopes', { description: 'Scopes the app declares it needs.' }),
  }),
});

const MeOrganization = builder.objectRef<Caller['organization']>('MeOrganization').implement({
  description: 'The clinic this request reads, named by X-Organization-Id.',
  fields: (t) => ({
    id: t.exposeID('id', { description: `The clinic's id (${idShape('Organization')}), the X-Organization-Id sent.` }),
    name: t.exposeString('name', { description: "The clinic's name." }),
  }),
});

const MeInstallation = builder.objectRef<Caller['installation']>('MeInstallation').implement({
  description: "The app's installation in this clinic.",
  fields: (t) => ({
    id: t.exposeID('id', { description: `The installation's id (${idShape('Installation')}).` }),
    installedAt: t.expose('installedAt', { type: 'DateTime', description: 'When the clinic installed the app (UTC).' }),
    grantedScopes: t.exposeStringList('grantedScopes', { description: 'Scopes the clinic approved for the app.' }),
  }),
});

const MeKey = builder.objectRef<Caller['key']>('MeKey').implement({
  description: 'The API key this request was made with. Its secret is never shown again after creation.',
  fields: (t) => ({
    id: t.exposeID('id', { description: `The key's id (${idShape('ApiKey')}), as the CLI lists it.` }),
    prefix: t.exposeString('prefix', { description: 'The visible start of the secret, to tell keys apart.' }),
    scopes: t.exposeStringList('scopes', { description: 'Scopes chosen for this key.' }),
    test: t.exposeBoolean('test', { description: 'Test keys start cgk_test_, live keys cgk_live_.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the key was created (UTC).' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true, description: 'When the key stops working (UTC); null when it does not expire.' }),
  }),
});

interface ScopeStatus {
  scope: string;
  title: string;
  description: string;
  declared: boolean;
  granted: boolean;
  inKey: boolean;
  effective: boolean;
}

const ScopeStatusRef = builder.objectRef<ScopeStatus>('ScopeStatus').implement({
  description: 'One scope of the scope table and where the chain app → clinic → key holds or breaks.',
  fields: (t) => ({
    scope: t.exposeString('scope', { description: scopeEntryDescriptions.scope }),
    title: t.exposeString('title', { description: scopeEntryDescriptions.title }),
    description: t.exposeString('description', { description: 'What the scope lets an app read.' }),
    declared: t.exposeBoolean('declared', { description: 'The app declares it.' }),
    granted: t.exposeBoolean('granted', { description: 'The clinic approved it for this installation.' }),
    inKey: t.exposeBoolean('inKey', { description: 'The API key carries it.' }),
    effective: t.exposeBoolean('effective', { description: 'All three hold, so requests may use it.' }),
    reason: t.string({
      nullable: true,
      description: 'Why the scope is not effective, and what would fix it; null when it is.',
      resolve: (status) => {
        if (status.effective) return null;
        if (!status.declared) return 'The app does not declare this scope: add it to the app, then ask the clinic to approve it.';
        if (!status.granted) return 'The clinic has not approved this scope for the app.';
        return 'This API key does not carry the scope: create a key that includes it.';
      },
    }),
  }),
});

const MeRef = builder.objectRef<Caller>('Me').implement({
  ...typeGuard('Me', 'Who the calling app is, where it is installed and which scopes it holds.'),
  fields: (t) => ({
    app: t.field({ type: MeApp, description: 'The calling app.', resolve: (caller) => caller.app }),
    organization: t.field({ type: MeOrganization, description: 'The clinic this request reads.', resolve: (caller) => caller.organization }),
    installation: t.field({ type: MeInstallation, description: "The app's installation in that clinic.", resolve: (caller) => caller.installation }),
    key: t.field({ type: MeKey, description: 'The API key of this request.', resolve: (caller) => caller.key }),
    scopes: t.stringList({
      description: 'Effective scopes: the key\'s scopes ∩ the clinic\'s grant ∩ the app\'s declared scopes (read:encounters counts as read:bills).',
      resolve: (caller) => [...caller.scopes],
    }),
    scopeStatus: t.field({
      type: [ScopeStatusRef],
      description: 'Every scope of the scope table: declared, granted, in the key, effective, and why not.',
      resolve: (caller) =>
        scopeTable.map((entry) => ({
          scope: entry.id,
          title: entry.title,
          description: entry.description,
          declared: caller.app.declaredScopes.includes(entry.id),
          granted: caller.installation.grantedScopes.includes(entry.id),
          inKey: caller.key.scopes.includes(entry.id),
          effective: caller.scopes.has(entry.id),
        })),
    }),
  }),
});

builder.queryField('me', (t) =>
  t.field({
    ...fieldGuard('Me', 'The calling app, its installation in this clinic, its key and its effective scopes.'),
    type: MeRef,
    resolve: (_root, _args, context) => {
      context.loaders.requireScope(scopeOfType.Me);
      return context.caller;
    },
  }),
);

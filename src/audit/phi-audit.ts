import { createHash } from 'node:crypto';
import { getOperationAST, GraphQLError, Kind, print, visit, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import type { RequestContext } from '../context.js';
import { newId } from '../ids.js';
import { patientLookupSql } from '../resources.js';
import { rawQueryOf } from '../db/database.js';
import { databaseRetryAfterSeconds } from '../http/errors.js';
import { planOf, startCollecting, stopCollecting, type AccessCollector, type PatientSearch } from './access.js';
import type { ScopeUsageRecorder } from './scope-usage.js';

export interface PhiAccessWrite {
  organizationId: string;
  appId: string;
  apiKeyId: string;
  installationId: string;
  operationName: string | null;
  documentHash: string;
  traceId: string;
  fieldPaths: string[];
  patients: ReturnType<AccessCollector['patients']>;
  /** Patient searches by presence: never the search text. */
  searches: readonly PatientSearch[];
}

const textArray = (values: readonly string[]) =>
  values.length > 0 ? Prisma.sql`ARRAY[${Prisma.join(values)}]::text[]` : Prisma.sql`'{}'::text[]`;


/**
 * One statement per request: the record, with patient ids that the returned rows name directly and,
 * for parts reached without their parent (a coding group by id) and ids a filter named (which the
 * database also confirms exist in the clinic), those the database resolves in the same INSERT.
 */
export async function writePhiAccess(prisma: PrismaClient, access: PhiAccessWrite): Promise<string> {
  const id = newId('PhiAccess');
  const lookups = [...access.patients.lookups].map(([table, ids]) => patientLookupSql(table, access.organizationId, ids));
  const patientIds =
    lookups.length === 0
      ? textArray(access.patients.known)
      : Prisma.sql`ARRAY(SELECT DISTINCT p FROM (SELECT unnest(${textArray(access.patients.known)}) AS p UNION ALL ${Prisma.join(lookups, ' UNION ALL ')}) ids ORDER BY p)`;
  const insert = Prisma.sql`
    INSERT INTO "PhiAccess" ("id", "organizationId", "appId", "apiKeyId", "installationId", "operationName", "documentHash", "traceId", "patientIds", "fieldPaths", "searches")
    VALUES (${id}, ${access.organizationId}, ${access.appId}, ${access.apiKeyId}, ${access.installationId}, ${access.operationName},
            ${access.documentHash}, ${access.traceId}, ${patientIds}, ${textArray(access.fieldPaths)}, ${JSON.stringify(access.searches)}::jsonb)`;
  // Straight through the driver (on the primary): Prisma's raw path costs more CPU than the write.
  await rawQueryOf(prisma)(insert);
  return id;
}

/**
 * sha256 of the document as the app sent it, so an app can find its own queries in the record. A
 * document carrying string values inline (a search term, a phone number) is hashed printed with each of
 * them replaced by "": a hash of the text itself would let anyone holding the record recover a term by
 * guessing, and the record keeps searches by presence only. Apps that pass values as variables, as
 * clients do, keep the plain hash.
 */
export function documentHash(text: string, document: DocumentNode): string {
  const known = hashes.get(document);
  if (known?.text === text) return known.hash;
  let masked = known ? known.masked : undefined;
  if (masked === undefined) {
    let inlineStrings = false;
    const printed = print(
      visit(document, {
        [Kind.STRING]: () => {
          inlineStrings = true;
          return { kind: Kind.STRING, value: '' };
        },
      }),
    );
    masked = inlineStrings ? printed : null;
  }
  const hash = createHash('sha256').update(masked ?? text).digest('hex');
  hashes.set(document, { text, masked, hash });
  return hash;
}

/**
 * Per parsed document (yoga's parse cache hands the same one back for the same text): its masked print
 * (null without inline strings), and the hash of the text it was last sent as.
 */
const hashes = new WeakMap<DocumentNode, { text: string; masked: string | null; hash: string }>();

function auditUnavailable(): GraphQLError {
  return new GraphQLError(
    'This response would carry patient data, but its access record could not be saved, so no data was returned. Retry the request; if it keeps failing, contact support with the trace id.',
    {
      extensions: {
        code: 'SERVICE_UNAVAILABLE',
        reason: 'AUDIT_UNAVAILABLE',
        http: { status: 503, headers: { 'Retry-After': String(databaseRetryAfterSeconds) } },
      },
    },
  );
}

export interface PhiAuditOptions {
  prisma: PrismaClient;
  scopeUsage: ScopeUsageRecorder;
  /** The server's JSON logger: a withheld response is an operations event, found by its trace id. */
  logger: Logger;
}

/**
 * Accountability for every operation: the scopes its returned data exercised are counted (off the hot
 * path), and an operation that returned patient-bearing data is recorded before its response leaves;
 * if that record cannot be written, the response carries an error instead of the data.
 */
export function usePhiAudit({ prisma, scopeUsage, logger }: PhiAuditOptions): Plugin<RequestContext> {
  return {
    onExecute({ args }) {
      const context = args.contextValue;
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return;
      const plan = planOf({ schema: args.schema, document: args.document, operation, variables: args.variableValues ?? {} });
      const collector = startCollecting(context, plan, context.caller.scopes);
      return {
        async onExecuteDone({ result, setResult }) {
          stopCollecting(context);
          const { caller } = context;
          if (collector.readPatientData && !(Symbol.asyncIterator in result)) {
            const query = (context as { params?: { query?: unknown } }).params?.query;
            try {
              await writePhiAccess(prisma, {
                organizationId: caller.organization.id,
                appId: caller.app.id,
                apiKeyId: caller.key.id,
                installationId: caller.installation.id,
                operationName: operation.name?.value ?? args.operationName ?? null,
                documentHash: documentHash(typeof query === 'string' ? query : print(args.document), args.document),
                traceId: context.traceId,
                fieldPaths: collector.fieldPaths(),
                patients: collector.patients(),
                searches: collector.searches,
              });
            } catch (error) {
              logger.error({ traceId: context.traceId, err: { name: (error as Error).name, message: (error as Error).message } }, 'PHI record not written: response withheld');
              setResult({ errors: [auditUnavailable()] });
              return;
            }
          }
          scopeUsage.record(caller.installation.id, collector.scopes());
        },
      };
    },
  };
}

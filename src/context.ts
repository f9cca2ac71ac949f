import type { Caller } from './auth/authenticate.js';
import type { Loaders } from './data/loaders.js';
import type { Database } from './db/database.js';
import type { OperationLimits } from './http/limits.js';

export interface RequestContext {
  traceId: string;
  db: Database;
  caller: Caller;
  loaders: Loaders;
  /** The limits the server enforces before executing an operation (the dry run in `authorize` runs them too). */
  operationLimits: OperationLimits;
}

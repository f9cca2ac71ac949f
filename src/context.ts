import type { Caller } from './auth/authenticate.js';
import type { Loaders } from './data/loaders.js';
import type { Database } from './db/database.js';

export interface RequestContext {
  traceId: string;
  db: Database;
  caller: Caller;
  loaders: Loaders;
}

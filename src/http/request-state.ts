import type { Caller } from '../auth/authenticate.js';

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** Unix time, in seconds, when the window resets. */
  resetAt: number;
  /** Set when the request was refused. */
  retryAfterSeconds?: number;
}

/** What the HTTP layer learns about one request as it passes through, for headers, logs and metrics. */
export interface RequestState {
  startedAt: number;
  caller?: Caller;
  rateLimit?: RateLimitState;
  cost?: number;
  operationName?: string | null;
  operationType?: string;
  errorCodes: string[];
  /** The response carried data (the operation ran), as opposed to errors alone. */
  answeredData: boolean;
}

const states = new WeakMap<Request, RequestState>();

export function stateOf(request: Request): RequestState {
  let state = states.get(request);
  if (!state) {
    state = { startedAt: performance.now(), errorCodes: [], answeredData: false };
    states.set(request, state);
  }
  return state;
}

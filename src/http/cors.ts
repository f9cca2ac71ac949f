/** Response headers a browser app needs to read: how to pace itself, and the id to quote to support. */
export const exposedHeaders = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After', 'X-Trace-Id'];

const apiOptions = { origin: '*', credentials: false, methods: ['GET', 'POST'], exposedHeaders, maxAge: 600 };

/**
 * CORS for yoga (and every path it serves). The API authenticates by a bearer header, so any site may
 * call it, and no response ever allows credentials: a page could otherwise read, with its visitor's
 * cookies, what pages with cookie sessions (/oauth, /console) show. Paths other than the API answer
 * without CORS headers at all, so browsers keep them same-origin.
 */
export function corsFor(request: Request) {
  return new URL(request.url).pathname === '/graphql' ? apiOptions : false;
}

import { createGraphQLError, type FetchAPI, type Plugin } from 'graphql-yoga';

function bodyTooLarge() {
  // Yoga's own code and status: src/http/errors.ts words the message with the limit.
  return createGraphQLError('Request body too large', { extensions: { code: 'REQUEST_ENTITY_TOO_LARGE', http: { status: 413 } } });
}

/** One non-negative integer: anything else (a list, a sign, text) could be a request-smuggling attempt. */
const contentLengthPattern = /^\d+$/;

/**
 * The request body limit, as yoga's `maxRequestBodySize` enforces it, minus its cost where it buys
 * nothing: yoga wraps every body in a counting TransformStream and a new Request (a stream pipeline and
 * an AbortController per request, a fifth of the CPU of a small query), even when Content-Length already
 * bounds it: Node's HTTP parser delivers exactly that many bytes. Here a body with a valid
 * Content-Length within the limit is read as it is, and only a body of unknown length (chunked, or
 * built in process without the header) is counted as it streams, as yoga does. Yoga's own limit must
 * be off (`maxRequestBodySize: false`).
 */
export function useRequestBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const contentLength = request.headers.get('content-length');
      if (contentLength !== null) {
        if (!contentLengthPattern.test(contentLength)) {
          throw createGraphQLError('Content-Length header is invalid.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        }
        if (Number(contentLength) > limit) throw bodyTooLarge();
        return;
      }
      if (!requestParser || !request.body) return;
      setRequestParser((unbounded) => requestParser(counted(unbounded, limit, fetchAPI)));
    },
  };
}

function counted(request: Request, limit: number, fetchAPI: FetchAPI): Request {
  let bytesRead = 0;
  // The stream classes of the body's own implementation: a native body does not pipe through the ponyfill's (graphql-yoga issue 4583).
  const Transform = request.body instanceof ReadableStream ? TransformStream : fetchAPI.TransformStream;
  const body = request.body!.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        bytesRead += chunk.byteLength;
        if (bytesRead > limit) controller.error(bodyTooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  return new fetchAPI.Request(request.url, { method: request.method, headers: request.headers, signal: request.signal, body, duplex: 'half' } as RequestInit);
}

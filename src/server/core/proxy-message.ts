import { asText, readLimitedBody, type BodyText } from './body-limit.js';

/** What the platform knows about a request that the `Request` does not carry. Adapters fill it in. */
export interface PlatformInfo {
  /** The client's address: the TCP peer, or what the platform vouches for (`CF-Connecting-IP` on Workers). */
  clientAddress?: string;
}

/**
 * What the proxy reads of a request. A Fetch `Request` gives it (any runtime); the Node
 * adapter gives it straight from node:http, without building Fetch objects on every call,
 * which cost as much as all the proxy's own checks.
 */
export interface ProxyRequest {
  readonly method: string;
  /** The absolute URL, on the host the request was sent to. */
  readonly url: URL;
  header(name: string): string | null;
  /**
   * The body as text, read only now (every check that needs no body has run by then), or
   * what it exceeded: `limit` bytes, or the pieces a body that size may come in. Nothing
   * past the limit is read or held.
   */
  text(limit: number): Promise<BodyText>;
  /** As a Fetch `Request`, for the integrator's callbacks (`authorize`, `blockNumber`, `clientKey`); made on first use. */
  asRequest(): Request;
  /** Fires when the client goes away, where the platform says. */
  readonly signal?: AbortSignal;
}

/** What the proxy answers, before it becomes a Fetch `Response` or is written to node:http. */
export interface ProxyAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string | ReadableStream<Uint8Array> | null;
}

export function fromFetchRequest(request: Request): ProxyRequest {
  return {
    method: request.method,
    url: new URL(request.url),
    header: (name) => request.headers.get(name),
    text: async (limit) => asText(await readLimitedBody(request.body, limit, request.headers.get('content-length'))),
    asRequest: () => request,
    signal: request.signal,
  };
}

export function toFetchResponse(answer: ProxyAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/** The proxy's answering function, on the handler `createSuperfoneProxy` returns: for adapters that skip Fetch objects. */
export const ANSWER = Symbol('superfone-proxy:answer');

export type Answerer = (request: ProxyRequest, platform: PlatformInfo) => Promise<ProxyAnswer>;

/** The proxy's own answering function, when `handler` is one made by `createSuperfoneProxy`; else `null`. */
export function proxyAnswerer(handler: unknown): Answerer | null {
  return (typeof handler === 'function' && (handler as { [ANSWER]?: Answerer })[ANSWER]) || null;
}

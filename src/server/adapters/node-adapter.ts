import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { budgetedAuditLog, headerForLog, unreadRequestEntry, type ProxyLogEntry, type RefusalKind } from '../core/audit.js';
import { asText, overLimitMessage } from '../core/body-limit.js';
import { isWellFormedHost } from '../core/guards/host-policy.js';
import { headerLine, readNodeBody } from './node-message.js';
import type { PlatformInfo } from '../core/proxy.js';
import { proxyAnswerer, type ProxyAnswer, type ProxyRequest } from '../core/proxy-message.js';
import { errorResponse, type ProxyFailure } from '../core/responses.js';

/** A Fetch handler; the Node adapters tell it the client's address. */
export type FetchHandler = (request: Request, platform: PlatformInfo) => Promise<Response>;
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface NodeListenerOptions {
  /**
   * For handlers other than the proxy's (whose routes read bodies themselves, each with its
   * own limit): the largest body read before the handler runs; past it the adapter stops
   * reading and answers `413`. Default 64 KiB.
   */
  maxBodyBytes?: number;
  /** Receives an entry for each request the adapter answers itself (malformed, too large, failed). */
  log?: (entry: ProxyLogEntry) => void;
}

/** Bodies are read whole before the handler runs, never more than this unless told. */
const DEFAULT_ADAPTER_BODY_BYTES = 64 * 1024;

/** Fetch cannot represent these methods; they are refused rather than failed on. */
const UNSUPPORTED_METHODS = /^(CONNECT|TRACE|TRACK)$/i;

/** A request that cannot become a Fetch `Request`; answered with its status, never thrown further. */
class MalformedRequest extends Error {
  constructor(readonly failure: ProxyFailure & { kind: RefusalKind }) {
    super(failure.message);
  }
}

function malformed(message: string, status = 400, headers?: Record<string, string>, kind: RefusalKind = 'malformed'): MalformedRequest {
  return new MalformedRequest({ code: 'bad_request', status, message, headers, kind });
}

/** How many `Host` lines the client sent: node:http keeps only the first, and RFC 9112 says a second one is a `400`. */
function hostLines(req: IncomingMessage): number {
  let count = 0;
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index]!.length === 4 && req.rawHeaders[index]!.toLowerCase() === 'host') count += 1;
  }
  return count;
}

/** A body that a parser such as `express.json()` has already read and left on the request. */
function alreadyParsedBody(req: IncomingMessage): string | Uint8Array | undefined {
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (!req.readableEnded || parsed === undefined) return undefined;
  if (typeof parsed === 'string' || parsed instanceof Uint8Array) return parsed;
  return JSON.stringify(parsed);
}

/**
 * The request's URL on its own host. Any target a client can send
 * (`//`, `http://`, `//[`, `*`) either becomes a URL here or a `400`: nothing in a request
 * line can throw out of the adapter.
 */
function requestUrl(req: IncomingMessage): URL {
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const target = req.url ?? '/';
  // The absolute form (`POST http://host/path`) names the host itself, and wins over Host (RFC 9112 §3.2.2).
  const absolute = /^https?:\/\//i.test(target) && URL.canParse(target) ? new URL(target) : null;
  const host = absolute?.host ?? req.headers.host;
  if (host !== undefined && !isWellFormedHost(host)) throw malformed('The request’s Host header is malformed.');
  // HTTP/1.0 may leave Host out: then the address the client connected to is the honest answer.
  const local = req.socket.localAddress ?? '127.0.0.1';
  const authority = host ?? `${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort ?? 80}`;
  if (!absolute && !target.startsWith('/')) throw malformed('The request target is malformed.');
  const path = absolute ? absolute.pathname + absolute.search : target;
  try {
    return new URL(`${scheme}://${authority}${path}`);
  } catch {
    throw malformed('The request target is malformed.');
  }
}

/** A request Fetch cannot represent, or that names two hosts, is refused before anything is read. */
function checkedUrl(req: IncomingMessage): URL {
  if (hostLines(req) > 1) throw malformed('The request has more than one Host header.');
  const method = req.method ?? 'GET';
  if (UNSUPPORTED_METHODS.test(method)) throw malformed(`The method ${method} is not supported.`, 405, { Allow: 'POST' }, 'method');
  return requestUrl(req);
}

function makeRequest(req: IncomingMessage, url: URL, body: string | Uint8Array | ReadableStream<Uint8Array> | undefined, signal?: AbortSignal): Request {
  try {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
    }
    // The host the URL was made for, so every check downstream sees one answer.
    if (headers.has('host')) headers.set('host', url.host);
    return new Request(url, { method: req.method ?? 'GET', headers, body: body as RequestInit['body'], signal, duplex: 'half' } as RequestInit);
  } catch {
    throw malformed('The request’s method or headers cannot be read.');
  }
}

/** node:http's request as a Fetch `Request`, its body streamed. For handlers that read bodies of any size themselves. */
export function toFetchRequest(req: IncomingMessage, signal?: AbortSignal): Request {
  const url = checkedUrl(req);
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const body = hasBody ? (alreadyParsedBody(req) ?? (Readable.toWeb(req) as ReadableStream<Uint8Array>)) : undefined;
  return makeRequest(req, url, body, signal);
}

/** An abort signal for the handler that fires when the client goes away. */
function closeSignal(res: ServerResponse): AbortSignal {
  const closed = new AbortController();
  res.once('close', () => closed.abort());
  return closed.signal;
}

/** What a request line and headers say, before any of its body is read. */
interface RequestHead {
  url: URL;
  method: string;
  hasBody: boolean;
  /** Only reads, which may stream for long (a call's events), get one: a signal costs on every request. */
  signal: AbortSignal | undefined;
}

/** The request line and headers, checked; a `MalformedRequest` when they cannot be served. */
function readHead(req: IncomingMessage, res: ServerResponse): RequestHead {
  const url = checkedUrl(req);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return { url, method, hasBody, signal: hasBody ? undefined : closeSignal(res) };
}

/** The body, for handlers other than the proxy's, which read it themselves: read whole up to `cap`. */
async function readWholeBody(req: IncomingMessage, head: RequestHead, cap: number): Promise<string | Uint8Array | undefined> {
  if (!head.hasBody) return undefined;
  const parsed = alreadyParsedBody(req);
  if (parsed !== undefined || req.readableEnded) return parsed;
  const reading = await readNodeBody(req, cap);
  if (!reading.ok) throw malformed(overLimitMessage('The request', cap, reading.exceeded), 413, undefined, 'too_large');
  return reading.bytes;
}

/** Writes a Fetch `Response` to node:http's response. */
export async function writeFetchResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  // Cookies are the one header that cannot be joined into one line.
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  // Small JSON answers go out in one write; only other bodies are streamed.
  if (String(headers['content-type'] ?? '').startsWith('application/json')) {
    res.end(Buffer.from(await response.arrayBuffer()));
    return;
  }
  await streamBody(response.body, res);
}

/** Streams (a call's events) go out as they come, and are cancelled when the client leaves. */
async function streamBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  res.flushHeaders();
  await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), res);
}

/** Writes one of the proxy's answers: a status line and headers in one call, then the text or the stream. */
export async function writeProxyAnswer(answer: ProxyAnswer, res: ServerResponse): Promise<void> {
  res.writeHead(answer.status, answer.headers);
  if (answer.body === null || typeof answer.body === 'string') {
    res.end(answer.body ?? undefined);
    return;
  }
  await streamBody(answer.body, res);
}

/**
 * The request as the proxy reads it, straight from node:http: headers read where they
 * are, and the body only when a route asks for it, with that route's limit, once every
 * check that needs no body has passed. A Fetch `Request` is made only if an integrator's
 * callback asks for one (its body then is the one read, if any).
 */
function toProxyRequest(req: IncomingMessage, { url, method, hasBody, signal }: RequestHead): ProxyRequest {
  let request: Request | undefined;
  let body: string | Uint8Array | undefined = hasBody ? alreadyParsedBody(req) : undefined;
  return {
    method,
    url,
    // The host the URL was made for, so every check downstream sees one answer.
    header: (name) => (name === 'host' ? (req.headers.host === undefined ? null : url.host) : headerLine(req.headers[name])),
    async text(limit) {
      if (!hasBody) return { ok: true, text: '' };
      if (body === undefined) {
        if (req.readableEnded) return { ok: true, text: '' };
        const reading = await readNodeBody(req, limit);
        if (!reading.ok) return reading;
        body = reading.bytes;
      }
      const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      if (bytes > limit) return { ok: false, exceeded: 'bytes' };
      return typeof body === 'string' ? { ok: true, text: body } : asText({ ok: true, bytes: body });
    },
    asRequest: () => (request ??= makeRequest(req, url, body, signal)),
    signal,
  };
}

/**
 * A body the client is still sending after the answer (refused before it was read, or
 * past its limit) is not drained: node:http would read all of it to keep the connection.
 * The connection closes after the answer instead.
 */
function closeIfBodyUnread(req: IncomingMessage, answer: ProxyAnswer): ProxyAnswer {
  if (!req.complete) answer.headers.connection = 'close';
  return answer;
}

/**
 * Serves a Fetch handler from node:http: `http.createServer(toNodeListener(handler))`.
 * Whatever a client sends, the process keeps serving: a request that cannot be read is a
 * 4xx, and anything that throws is a logged `500`.
 */
export function toNodeListener(handler: FetchHandler, options: NodeListenerOptions = {}): NodeListener {
  const cap = options.maxBodyBytes ?? DEFAULT_ADAPTER_BODY_BYTES;
  const audit = budgetedAuditLog(options.log);
  // The proxy's own handler is served without Fetch objects; any other through them.
  const answerer = proxyAnswerer(handler);
  return async (req, res) => {
    const startedAt = performance.now();
    try {
      const platform = { clientAddress: req.socket.remoteAddress };
      const head = readHead(req, res);
      if (answerer) await writeProxyAnswer(closeIfBodyUnread(req, await answerer(toProxyRequest(req, head), platform)), res);
      else await writeFetchResponse(await handler(makeRequest(req, head.url, await readWholeBody(req, head, cap), head.signal), platform), res);
    } catch (error) {
      // A client that left needs no answer and is no failure of ours.
      if (res.headersSent || res.destroyed || req.destroyed) {
        res.destroy();
        return;
      }
      const failure: ProxyFailure = error instanceof MalformedRequest ? error.failure : { code: 'internal_error' };
      const answer = closeIfBodyUnread(req, errorResponse(failure));
      const refusal = failure.kind ?? failure.code;
      const origin = req.headers.origin;
      audit(
        unreadRequestEntry({
          client: req.socket.remoteAddress ?? null,
          origin: headerForLog(typeof origin === 'string' ? origin : null),
          outcome: failure.code,
          status: answer.status,
          latencyMs: Math.round(performance.now() - startedAt),
          refusal,
          ...(error instanceof MalformedRequest ? {} : { detail: error instanceof Error ? error.message : String(error) }),
        }),
        refusal,
      );
      try {
        await writeProxyAnswer(answer, res);
      } catch {
        res.destroy();
      }
    }
  };
}

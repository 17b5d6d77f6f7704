import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { budgetedAuditLog, headerForLog, unreadRequestEntry, type ProxyLogEntry } from './audit.js';
import { isWellFormedHost } from './guards/host-policy.js';
import { headerLine, readNodeBody } from './node-message.js';
import type { PlatformInfo } from './proxy.js';
import type { ErrorBody } from '../shared/protocol.js';
import { proxyAnswerer, type ProxyAnswer, type ProxyRequest } from './proxy-message.js';
import { errorResponse, SECURITY_HEADERS, type ProxyFailure } from './responses.js';

/** A Fetch handler; the Node adapters tell it the client's address. */
export type FetchHandler = (request: Request, platform: PlatformInfo) => Promise<Response>;
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface NodeListenerOptions {
  /** The largest body read; past it the adapter stops reading and answers `413`. Default 64 KiB. */
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
  constructor(readonly failure: ProxyFailure) {
    super(failure.message);
  }
}

function malformed(message: string, status = 400, headers?: Record<string, string>): MalformedRequest {
  return new MalformedRequest({ code: 'bad_request', status, message, headers });
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

/** A request Fetch cannot represent is refused before anything is read. */
function checkedUrl(req: IncomingMessage): URL {
  const method = req.method ?? 'GET';
  if (UNSUPPORTED_METHODS.test(method)) throw malformed(`The method ${method} is not supported.`, 405, { Allow: 'POST' });
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

/** A request read, before it becomes a Fetch `Request` or the proxy's own `ProxyRequest`. */
interface ReadRequest {
  url: URL;
  method: string;
  body: string | Uint8Array | undefined;
  /** Only reads, which may stream for long (a call's events), get one: a signal costs on every request. */
  signal: AbortSignal | undefined;
}

/**
 * The request with its body read whole, or a `MalformedRequest` when it cannot be served. A
 * malformed request is refused before its body is read, and nothing is allocated for the
 * signal until the body is in: a slow client holds as little as possible.
 */
async function readRequestWithin(req: IncomingMessage, res: ServerResponse, cap: number): Promise<ReadRequest> {
  const url = checkedUrl(req);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const parsed = hasBody ? alreadyParsedBody(req) : undefined;
  const body = hasBody && parsed === undefined && !req.readableEnded ? await readNodeBody(req, cap) : parsed;
  if (body === null) throw malformed(`The request is larger than ${cap} bytes.`, 413, { Connection: 'close' });
  return { url, method, body, signal: hasBody ? undefined : closeSignal(res) };
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

const decoder = new TextDecoder();

/**
 * The request as the proxy reads it, straight from node:http: headers read where they
 * are. A Fetch `Request` is made only if an integrator's callback asks for one.
 */
function toProxyRequest(req: IncomingMessage, { url, method, body, signal }: ReadRequest): ProxyRequest {
  let request: Request | undefined;
  return {
    method,
    url,
    // The host the URL was made for, so every check downstream sees one answer.
    header: (name) => (name === 'host' ? (req.headers.host === undefined ? null : url.host) : headerLine(req.headers[name])),
    async text(limit) {
      if (body === undefined) return '';
      const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      if (bytes > limit) return undefined;
      return typeof body === 'string' ? body : decoder.decode(body);
    },
    asRequest: () => (request ??= makeRequest(req, url, body, signal)),
    signal,
  };
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
      const read = await readRequestWithin(req, res, cap);
      if (answerer) await writeProxyAnswer(await answerer(toProxyRequest(req, read), platform), res);
      else await writeFetchResponse(await handler(makeRequest(req, read.url, read.body, read.signal), platform), res);
    } catch (error) {
      // A client that left needs no answer and is no failure of ours.
      if (res.headersSent || res.destroyed || req.destroyed) {
        res.destroy();
        return;
      }
      const failure: ProxyFailure = error instanceof MalformedRequest ? error.failure : { code: 'internal_error' };
      const answer = errorResponse(failure);
      const origin = req.headers.origin;
      audit(
        unreadRequestEntry({
          client: req.socket.remoteAddress ?? null,
          origin: headerForLog(typeof origin === 'string' ? origin : null),
          outcome: failure.code,
          status: answer.status,
          latencyMs: Math.round(performance.now() - startedAt),
          ...(error instanceof MalformedRequest ? {} : { detail: error instanceof Error ? error.message : String(error) }),
        }),
        true,
      );
      try {
        await writeProxyAnswer(answer, res);
      } catch {
        res.destroy();
      }
    }
  };
}

export interface ServerHardening {
  /** How long a client may take to send its whole request, headers and body. Default 10 000. */
  requestTimeoutMs?: number;
  /** Receives an entry for each connection refused for a malformed request or a timeout. */
  log?: (entry: ProxyLogEntry) => void;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

const CLIENT_ERROR_STATUS: Record<string, [number, string]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
};

/**
 * Settings for a node:http server that faces untrusted clients; call it before `listen`.
 * Slow clients are cut off after `requestTimeoutMs` (Node's own default waits 300 s), and
 * requests Node cannot parse get a `400` with the same security headers as every answer.
 */
export function hardenNodeServer(server: Server, options: ServerHardening = {}): Server {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  server.requestTimeout = timeoutMs;
  server.headersTimeout = timeoutMs;
  // Node checks those timeouts on this interval (30 s by default), so it must be shorter.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1_000, timeoutMs);
  const audit = budgetedAuditLog(options.log);
  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason] = CLIENT_ERROR_STATUS[error.code ?? ''] ?? [400, 'Bad Request'];
    const body = JSON.stringify({ error: { code: 'bad_request', message: `The request could not be read (${reason.toLowerCase()}).` } } satisfies ErrorBody);
    const headers = { 'Content-Type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' };
    socket.end(`HTTP/1.1 ${status} ${reason}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`);
    audit(unreadRequestEntry({ client: socket.remoteAddress ?? null, origin: null, outcome: 'bad_request', status, latencyMs: 0, detail: error.code ?? 'unparsable request' }), true);
  });
  return server;
}

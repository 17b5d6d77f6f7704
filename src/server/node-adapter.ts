import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { rememberClientAddress } from './client-address.js';
import { createSuperfoneProxy, type SuperfoneProxyOptions } from './proxy.js';

export type FetchHandler = (request: Request) => Promise<Response>;
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;
export type ConnectMiddleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Bodies up to this size are read whole before the handler runs (the proxy's own limit is 4 KiB). */
const BUFFERED_BODY_CAP = 64 * 1024;

/** A body that a parser such as `express.json()` has already read and left on the request. */
function alreadyParsedBody(req: IncomingMessage): string | Uint8Array | undefined {
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (!req.readableEnded || parsed === undefined) return undefined;
  if (typeof parsed === 'string' || parsed instanceof Uint8Array) return parsed;
  return JSON.stringify(parsed);
}

/** The request's own origin, from its Host header, so same-origin checks compare like with like. */
function requestBase(req: IncomingMessage): string {
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const host = req.headers.host;
  if (host && /^[\w.-]+(:\d{1,5})?$|^\[[\da-f:.]+\](:\d{1,5})?$/i.test(host)) return `${scheme}://${host}`;
  return `${scheme}://localhost`;
}

/** node:http's request as a Fetch `Request`, its body streamed, so size limits apply as it arrives. */
export function toFetchRequest(req: IncomingMessage, signal?: AbortSignal): Request {
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const body = hasBody ? (alreadyParsedBody(req) ?? (Readable.toWeb(req) as ReadableStream<Uint8Array>)) : undefined;
  return makeRequest(req, body, signal);
}

function makeRequest(req: IncomingMessage, body: string | Uint8Array | ReadableStream<Uint8Array> | undefined, signal?: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const url = new URL(req.url ?? '/', requestBase(req));
  const request = new Request(url, { method: req.method ?? 'GET', headers, body: body as BodyInit | undefined, signal, duplex: 'half' } as RequestInit);
  rememberClientAddress(request, req.socket.remoteAddress);
  return request;
}

/**
 * Reads a small body whole before making the `Request`: web streams over node:http are slow,
 * and call requests are tiny. Past `cap` bytes the body stays a stream, so the handler's own
 * limit still refuses it without buffering it.
 */
async function toFetchRequestBuffered(req: IncomingMessage, cap: number, signal?: AbortSignal): Promise<Request> {
  const declared = Number(req.headers['content-length']);
  const smallUnreadBody =
    req.method !== 'GET' && req.method !== 'HEAD' && !req.readableEnded && Number.isFinite(declared) && declared <= cap;
  if (!smallUnreadBody) return toFetchRequest(req, signal);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return makeRequest(req, Buffer.concat(chunks), signal);
}

/** Writes a Fetch `Response` to node:http's response. */
export async function writeFetchResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  if (!response.body) {
    res.end();
    return;
  }
  // Small JSON answers go out in one write; only other bodies are streamed.
  if (response.headers.get('content-type')?.startsWith('application/json')) {
    res.end(Buffer.from(await response.arrayBuffer()));
    return;
  }
  await new Promise<void>((resolve, reject) => {
    Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>)
      .on('error', reject)
      .pipe(res)
      .on('finish', resolve)
      .on('error', reject);
  });
}

/** Serves a Fetch handler from node:http: `http.createServer(toNodeListener(handler))`. */
export function toNodeListener(handler: FetchHandler): NodeListener {
  return async (req, res) => {
    const closed = new AbortController();
    res.on('close', () => closed.abort());
    try {
      await writeFetchResponse(await handler(await toFetchRequestBuffered(req, BUFFERED_BODY_CAP, closed.signal)), res);
    } catch {
      if (!res.headersSent) {
        res.statusCode = 500;
        res.end();
      } else {
        res.destroy();
      }
    }
  };
}

/**
 * connect/Express middleware for the proxy. Mount it at the proxy's path:
 * `app.use('/api/superfone/call', superfoneMiddleware({ apiKey }))`. It answers every
 * request that reaches it.
 */
export function superfoneMiddleware(options: SuperfoneProxyOptions): ConnectMiddleware {
  const listener = toNodeListener(createSuperfoneProxy(options));
  return (req, res, next) => {
    listener(req, res).catch(next);
  };
}

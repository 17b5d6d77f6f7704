import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';

import { budgetedAuditLog, failureResponse, headerForLog, type PlatformInfo, type ProxyFailure, type ProxyLogEntry, unreadRequestEntry } from '../core/index.js';
import { lingerThenClose } from './linger-then-close.js';
import { bodyOverflowed, nodeRequest, RequestBodyTooLarge, UnreadableRequest } from './node-request.js';
import { partsToWrite } from './node-response.js';

/** A Fetch handler; the Node adapters tell it the client's address. */
export type FetchHandler = (request: Request, platform: PlatformInfo) => Promise<Response>;
export type NodeListener = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface NodeListenerOptions {
  /**
   * The most of a body any handler may read; past it the body stream fails, and if the
   * handler fails with it the adapter answers `413`. The proxy's routes read less (their
   * own limits). Default 64 KiB.
   */
  maxBodyBytes?: number;
  /** Receives an entry for each request the adapter answers itself (malformed, too large, failed). */
  log?: (entry: ProxyLogEntry) => void;
}

/** No handler reads more of a body than this unless told. */
const DEFAULT_ADAPTER_BODY_BYTES = 64 * 1024;

/** Streams (a call's events) go out as they come, and are cancelled when the client leaves. */
async function streamBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  res.flushHeaders();
  await pipeline(Readable.fromWeb(body as NodeReadableStream<Uint8Array>), res);
}

/**
 * Writes a Fetch `Response` to node:http: the status line and headers in one call, a JSON
 * answer in one write, any other body streamed. A body the client is still sending (refused
 * before it was read, or past its limit) is not drained, which would read all of it to keep
 * the connection: the connection closes a second after the answer instead, time for the
 * client to read it.
 */
async function writeResponse(response: Response, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!req.complete) lingerThenClose(req);
  const parts = partsToWrite(response);
  if (parts) {
    const headers: Record<string, string> = req.complete ? parts.init.headers : { ...parts.init.headers, connection: 'close' };
    res.writeHead(parts.init.status, headers);
    if (parts.body === null || typeof parts.body === 'string') res.end(parts.body ?? undefined);
    else await streamBody(parts.body, res);
    return;
  }
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => (headers[name] = value));
  // Cookies are the one header that cannot be joined into one line.
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  if (!req.complete) headers.connection = 'close';
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  if (String(headers['content-type'] ?? '').startsWith('application/json')) {
    res.end(await response.text());
    return;
  }
  await streamBody(response.body, res);
}

/** What the adapter answers itself, when there is no request to hand over or the handler failed. */
function adapterFailure(error: unknown, request: Request | null): ProxyFailure & { kind: NonNullable<ProxyFailure['kind']> } {
  if (error instanceof UnreadableRequest) {
    return {
      code: 'bad_request',
      status: error.status,
      message: error.message,
      ...(error.allow && { headers: { Allow: error.allow } }),
      kind: error.allow ? 'method' : 'malformed',
    };
  }
  if (error instanceof RequestBodyTooLarge || (request && bodyOverflowed(request))) {
    return { code: 'bad_request', status: 413, message: error instanceof RequestBodyTooLarge ? error.message : 'The request is too large.', kind: 'too_large' };
  }
  return { code: 'internal_error', kind: 'internal_error' };
}

/**
 * Serves a Fetch handler from node:http: `http.createServer(toNodeListener(handler))`.
 * The handler gets a `Request` read lazily from node:http (its body only when it reads
 * it). Whatever a client sends, the process keeps serving: a request that cannot be read
 * is a 4xx, and anything that throws is a logged `500`.
 */
export function toNodeListener(handler: FetchHandler, options: NodeListenerOptions = {}): NodeListener {
  const cap = options.maxBodyBytes ?? DEFAULT_ADAPTER_BODY_BYTES;
  const audit = budgetedAuditLog(options.log);
  return async (req, res) => {
    const startedAt = performance.now();
    let request: Request | null = null;
    try {
      request = nodeRequest(req, res, cap);
      await writeResponse(await handler(request, { clientAddress: req.socket.remoteAddress }), req, res);
    } catch (error) {
      // A client that left needs no answer and is no failure of ours. (A request read to its
      // end is destroyed too, by node:streams: the socket says whether the client is there.)
      if (res.headersSent || res.destroyed || req.socket.destroyed) {
        res.destroy();
        return;
      }
      const failure = adapterFailure(error, request);
      const response = failureResponse(failure);
      const origin = req.headers.origin;
      audit(
        unreadRequestEntry({
          client: req.socket.remoteAddress ?? null,
          origin: headerForLog(typeof origin === 'string' ? origin : null),
          outcome: failure.code,
          status: response.status,
          latencyMs: Math.round(performance.now() - startedAt),
          refusal: failure.kind,
          ...(failure.code === 'internal_error' ? { detail: error instanceof Error ? error.message : String(error) } : {}),
        }),
        failure.kind,
      );
      try {
        await writeResponse(response, req, res);
      } catch {
        res.destroy();
      }
    }
  };
}

// node:http's request as a Fetch `Request`, made lazily: what a handler reads on every call
// (method, URL, headers, signal) is read straight from node:http, its body is taken as it
// arrives (node-request-body.ts), and a whole `Request` (which costs as much as all the
// proxy's checks) is built only if asked for more.
import type { IncomingMessage, ServerResponse } from 'node:http';

import { isWellFormedHost, RequestBodyTooLarge } from '../core/index.js';
import { lazyPrototype } from './lazy-fetch-object.js';
import { headerLine } from './node-message.js';
import { NodeRequestBody } from './node-request-body.js';

/** The client sent more than the adapter reads for any handler; the body stream fails with the core's RequestBodyTooLarge, which its readers take as over the limit. */
export { RequestBodyTooLarge };

/** A request no Fetch `Request` can be made of (its target, its method): the adapter answers it itself. */
export class UnreadableRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
    readonly allow?: string,
  ) {
    super(message);
  }
}

/** Fetch cannot represent these methods; they are refused rather than failed on. */
const UNSUPPORTED_METHODS = /^(CONNECT|TRACE|TRACK)$/i;

/**
 * The request's URL on its own host. The absolute form (`POST http://host/path`) names the
 * host itself and wins over Host (RFC 9112 §3.2.2). A Host that is malformed, repeated or
 * missing (HTTP/1.0) does not make the URL: the address the client connected to does, and
 * the handler sees the Host the client sent and refuses it.
 */
function requestUrl(req: IncomingMessage): URL {
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const target = req.url ?? '/';
  const absolute = /^https?:\/\//i.test(target) && URL.canParse(target) ? new URL(target) : null;
  if (!absolute && !target.startsWith('/')) throw new UnreadableRequest('The request target is malformed.');
  const host = absolute?.host ?? req.headers.host;
  const local = req.socket.localAddress ?? '127.0.0.1';
  const authority = host !== undefined && isWellFormedHost(host) ? host : `${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort ?? 80}`;
  try {
    return new URL(`${scheme}://${authority}${absolute ? absolute.pathname + absolute.search : target}`);
  } catch {
    throw new UnreadableRequest('The request target is malformed.');
  }
}

/** Every line of header `name` the client sent, in order (`name` lower-case). */
function linesOf(req: IncomingMessage, name: string): string[] {
  const lines: string[] = [];
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index]!.length === name.length && req.rawHeaders[index]!.toLowerCase() === name) lines.push(req.rawHeaders[index + 1]!);
  }
  return lines;
}

/** Every Host line the client sent, as Fetch joins repeated headers: node:http keeps only the first. */
function hostHeader(req: IncomingMessage, urlHost: string): string | null {
  const lines = linesOf(req, 'host');
  if (lines.length === 0) return null;
  // One well-formed Host made the URL: the URL's host is the same name, as the URL spells it.
  if (lines.length === 1 && isWellFormedHost(lines[0]!)) return urlHost;
  return lines.join(', ');
}

/**
 * Read-only headers read where node:http keeps them; like a Fetch request's on a server,
 * they cannot be changed. A `Headers` by its prototype, with every method its own.
 */
class NodeHeaders {
  readonly #req: IncomingMessage;
  readonly #host: string | null;

  constructor(req: IncomingMessage, host: string | null) {
    this.#req = req;
    this.#host = host;
  }

  get(name: string): string | null {
    const lower = name.toLowerCase();
    if (lower === 'host') return this.#host;
    // node:http keeps only the first Authorization line; Fetch joins them all, and so a second one shows.
    if (lower === 'authorization' && this.#req.headers.authorization !== undefined) return linesOf(this.#req, lower).join(', ');
    return headerLine(this.#req.headers[lower]);
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  getSetCookie(): string[] {
    return [];
  }

  /** Every header as Fetch lists them: lower-case names in order, repeated ones joined. */
  #pairs(): [string, string][] {
    const pairs: [string, string][] = [];
    for (const name of Object.keys(this.#req.headers).sort()) {
      const value = this.get(name);
      if (value !== null) pairs.push([name, value]);
    }
    return pairs;
  }

  entries(): IterableIterator<[string, string]> {
    return this.#pairs()[Symbol.iterator]();
  }

  keys(): IterableIterator<string> {
    return this.#pairs()
      .map(([name]) => name)
      [Symbol.iterator]();
  }

  values(): IterableIterator<string> {
    return this.#pairs()
      .map(([, value]) => value)
      [Symbol.iterator]();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.#pairs()) callback.call(thisArg, value, name, this as unknown as Headers);
  }

  append(): void {
    throw new TypeError('The request’s headers cannot be changed.');
  }

  set(): void {
    throw new TypeError('The request’s headers cannot be changed.');
  }

  delete(): void {
    throw new TypeError('The request’s headers cannot be changed.');
  }
}

Object.setPrototypeOf(NodeHeaders.prototype, Headers.prototype);

/** An abort signal that fires when the client goes away. */
function closeSignal(res: ServerResponse): AbortSignal {
  const closed = new AbortController();
  res.once('close', () => closed.abort());
  return closed.signal;
}

interface NodeRequestState {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The URL as text, and its host: a URL object is not kept for the handler to parse again (a slow client holds its request for long). */
  readonly href: string;
  readonly host: string;
  /** The body as it arrives, for a method that has one (none for a head-only request). */
  readonly arriving: NodeRequestBody | null;
  headers?: Headers;
  body?: ReadableStream<Uint8Array> | null;
  signal?: AbortSignal;
}

const STATE = Symbol('node-request');
type LazyRequest = Request & { [STATE]: NodeRequestState };

const hasBody = (method: string) => method !== 'GET' && method !== 'HEAD';

const prototype = lazyPrototype(
  Request,
  {
    method: {
      get(this: LazyRequest) {
        return this[STATE].req.method ?? 'GET';
      },
    },
    url: {
      get(this: LazyRequest) {
        return this[STATE].href;
      },
    },
    headers: {
      get(this: LazyRequest) {
        const state = this[STATE];
        return (state.headers ??= new NodeHeaders(state.req, hostHeader(state.req, state.host)) as unknown as Headers);
      },
    },
    body: {
      get(this: LazyRequest) {
        const state = this[STATE];
        if (state.body === undefined) state.body = state.arriving ? state.arriving.stream() : null;
        return state.body;
      },
    },
    signal: {
      get(this: LazyRequest) {
        return (this[STATE].signal ??= closeSignal(this[STATE].res));
      },
    },
    // The whole body, gathered from node:http into one buffer without a stream.
    arrayBuffer: {
      value(this: LazyRequest): Promise<ArrayBuffer> {
        const state = this[STATE];
        if (state.body !== undefined || !state.arriving) return new Response(this.body).arrayBuffer();
        state.body = null;
        return state.arriving.whole();
      },
    },
  },
  (lazy) => {
    const state = (lazy as LazyRequest)[STATE];
    const headers: [string, string][] = [];
    for (const entry of lazy.headers.entries()) headers.push(entry);
    const body = lazy.body;
    return new Request(state.href, { method: lazy.method, headers, body: body && !body.locked ? body : null, signal: lazy.signal, duplex: 'half' } as RequestInit);
  },
);

/**
 * The request; with a `cap`, its body is taken as it arrives (a method without one has
 * whatever follows its headers dropped as it comes). A method Fetch cannot carry, or a
 * target no URL is made of, throws `UnreadableRequest` before anything is read.
 */
function lazyRequest(req: IncomingMessage, res: ServerResponse, cap: number | null): Request {
  if (UNSUPPORTED_METHODS.test(req.method ?? '')) throw new UnreadableRequest(`The method ${req.method} is not supported.`, 405, 'POST');
  const request = Object.create(prototype) as LazyRequest;
  const { href, host } = requestUrl(req);
  const arriving = cap === null ? null : hasBody(req.method ?? 'GET') ? new NodeRequestBody(req, cap) : (req.resume(), null);
  request[STATE] = { req, res, href, host, arriving };
  return request;
}

/**
 * node:http's request as a Fetch `Request`, for a handler that answers it. Its body is
 * taken as it arrives, no more than `cap` bytes, and handed over when the handler reads
 * it. Throws `UnreadableRequest` when no URL can be made of it.
 */
export function nodeRequest(req: IncomingMessage, res: ServerResponse, cap: number): Request {
  try {
    return lazyRequest(req, res, cap);
  } catch (error) {
    // Refused unread: what the client sends meanwhile is dropped, not kept chunk by chunk.
    req.resume();
    throw error;
  }
}

/**
 * The request line and headers as a Fetch `Request` with no body, for a check made before
 * whoever answers reads anything (the simulator's controls under `--simulate`): nothing of
 * the connection is read or changed. Throws `UnreadableRequest` as `nodeRequest` does.
 */
export function nodeRequestHead(req: IncomingMessage, res: ServerResponse): Request {
  return lazyRequest(req, res, null);
}

/** Whether the handler read past the adapter's cap (and so failed because the client sent too much). */
export function bodyOverflowed(request: Request): boolean {
  return (request as Partial<LazyRequest>)[STATE]?.arriving?.readPastCap === true;
}

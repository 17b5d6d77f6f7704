// node:http's request as a Fetch `Request`, made lazily: what a handler reads on every call
// (method, URL, headers, signal, body) is read straight from node:http, and a whole
// `Request` (which costs as much as all the proxy's checks) is built only if asked for more.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isWellFormedHost, RequestBodyTooLarge } from '../core/index.js';
import { lazyPrototype } from './lazy-fetch-object.js';
import { headerLine, readNodeBody } from './node-message.js';

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
    return this.#pairs().map(([name]) => name)[Symbol.iterator]();
  }

  values(): IterableIterator<string> {
    return this.#pairs().map(([, value]) => value)[Symbol.iterator]();
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

/** A body that a parser such as `express.json()` has already read and left on the request. */
function alreadyParsedBody(req: IncomingMessage): Uint8Array | undefined {
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (!req.readableEnded || parsed === undefined) return undefined;
  if (parsed instanceof Uint8Array) return parsed;
  return Buffer.from(typeof parsed === 'string' ? parsed : JSON.stringify(parsed));
}

/**
 * The body as a stream, read from node:http as the handler pulls it and never more than
 * `cap` bytes. A handler that stops reading (a body past its own limit) cancels the stream:
 * what the client still sends is dropped as it arrives, not kept, and the adapter closes
 * the connection after the answer instead of draining it.
 */
function bodyStream(req: IncomingMessage, cap: number, onOverflow: () => void): ReadableStream<Uint8Array> {
  const parsed = alreadyParsedBody(req);
  let received = 0;
  let detach = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (parsed !== undefined || req.readableEnded) {
        if (parsed?.byteLength) controller.enqueue(parsed);
        controller.close();
        return;
      }
      const stop = (then: () => void) => {
        detach();
        then();
      };
      const onData = (chunk: Buffer) => {
        received += chunk.byteLength;
        if (received > cap) return stop(() => (onOverflow(), req.resume(), controller.error(new RequestBodyTooLarge(cap))));
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 0) <= 0) req.pause();
      };
      const onEnd = () => stop(() => controller.close());
      const onError = (error: Error) => stop(() => controller.error(clientGone(error)));
      const onClose = () => onError(new Error('The connection closed before the body was complete.'));
      detach = () => void req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    },
    pull() {
      req.resume();
    },
    cancel() {
      detach();
      req.resume();
    },
  });
}

/**
 * The whole body (the core reads a declared-length one so), gathered into one buffer: its
 * pieces, however many, are copied as they come, not kept. Past `cap` the client is told `413`.
 */
function readWholeBody(req: IncomingMessage, cap: number, onOverflow: () => void): Promise<ArrayBuffer> {
  const parsed = alreadyParsedBody(req);
  // Plain promises, no async frames: a slow client holds this for as long as it sends.
  const reading = parsed !== undefined || req.readableEnded ? Promise.resolve({ ok: true as const, bytes: parsed ?? new Uint8Array(0) }) : readNodeBody(req, cap, Infinity);
  return reading.then(
    (read) => {
      if (!read.ok) {
        onOverflow();
        throw new RequestBodyTooLarge(cap);
      }
      return read.bytes.buffer.slice(read.bytes.byteOffset, read.bytes.byteOffset + read.bytes.byteLength) as ArrayBuffer;
    },
    (error: Error) => {
      throw clientGone(error);
    },
  );
}

/** A body that stopped arriving because the client left, named as Fetch names an abort, so the core tells it from its own failures. */
function clientGone(error: Error): DOMException {
  return new DOMException(`The client left before its body was complete (${error.message}).`, 'AbortError');
}

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
  readonly cap: number;
  headers?: Headers;
  body?: ReadableStream<Uint8Array> | null;
  signal?: AbortSignal;
  overflowed?: boolean;
}

const STATE = Symbol('node-request');
type LazyRequest = Request & { [STATE]: NodeRequestState };

const hasBody = (method: string) => method !== 'GET' && method !== 'HEAD';

const prototype = lazyPrototype(
  Request,
  {
    method: { get(this: LazyRequest) { return this[STATE].req.method ?? 'GET'; } },
    url: { get(this: LazyRequest) { return this[STATE].href; } },
    headers: {
      get(this: LazyRequest) {
        const state = this[STATE];
        return (state.headers ??= new NodeHeaders(state.req, hostHeader(state.req, state.host)) as unknown as Headers);
      },
    },
    body: {
      get(this: LazyRequest) {
        const state = this[STATE];
        if (state.body === undefined) state.body = hasBody(this.method) ? bodyStream(state.req, state.cap, () => (state.overflowed = true)) : null;
        return state.body;
      },
    },
    signal: { get(this: LazyRequest) { return (this[STATE].signal ??= closeSignal(this[STATE].res)); } },
    // The whole body, gathered from node:http into one buffer without a stream.
    arrayBuffer: {
      value(this: LazyRequest): Promise<ArrayBuffer> {
        const state = this[STATE];
        if (state.body !== undefined || !hasBody(this.method)) return new Response(this.body).arrayBuffer();
        state.body = null;
        return readWholeBody(state.req, state.cap, () => (state.overflowed = true));
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
 * node:http's request as a Fetch `Request`. Its body is read only when the handler reads
 * it, no more than `cap` bytes. Throws `UnreadableRequest` when no URL can be made of it.
 */
export function nodeRequest(req: IncomingMessage, res: ServerResponse, cap: number): Request {
  if (UNSUPPORTED_METHODS.test(req.method ?? '')) throw new UnreadableRequest(`The method ${req.method} is not supported.`, 405, 'POST');
  const request = Object.create(prototype) as LazyRequest;
  const { href, host } = requestUrl(req);
  request[STATE] = { req, res, href, host, cap };
  return request;
}

/** Whether the handler read past the adapter's cap (and so failed because the client sent too much). */
export function bodyOverflowed(request: Request): boolean {
  return (request as Partial<LazyRequest>)[STATE]?.overflowed === true;
}

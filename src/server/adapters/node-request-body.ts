// A request's body, taken from node:http from its first byte, before the handler has decided
// whether it wants it. node:http makes an object of every chunk it parses (a client sending
// one-byte chunks sends 65,000 of them per 64 KiB); left in the request while the handler
// decides from the headers, they would pile up, 20 connections making 50 MB of them. Taken
// at once, each is copied into one buffer and let go.
import type { IncomingMessage } from 'node:http';

import { declaredOver, maxPiecesFor, RequestBodyTooLarge } from '../core/index.js';

/** A body that a parser such as `express.json()` has already read and left on the request. */
function alreadyParsedBody(req: IncomingMessage): Uint8Array | undefined {
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (!req.readableEnded || parsed === undefined) return undefined;
  if (parsed instanceof Uint8Array) return parsed;
  return Buffer.from(typeof parsed === 'string' ? parsed : JSON.stringify(parsed));
}

/** A body that stopped arriving because the client left, named as Fetch names an abort, so the core tells it from its own failures. */
function clientGone(error: Error): DOMException {
  return new DOMException(`The client left before its body was complete (${error.message}).`, 'AbortError');
}

type Ending = { kind: 'open' } | { kind: 'ended' } | { kind: 'over' } | { kind: 'failed'; error: DOMException };

/**
 * One request's body, read from node:http as it arrives into one buffer that grows as bytes
 * come (never sized from a declared length a slow client may never send), and never more
 * than `cap` bytes: past it, or past the pieces a body of `cap` bytes may come in, what the
 * client still sends is dropped as it arrives. Where a chunked body's pieces began is kept
 * (up to one more than any route allows), so a handler reading the stream sees the pieces
 * the client sent and refuses a flood of them as it would on any runtime.
 */
export class NodeRequestBody {
  readonly #cap: number;
  readonly #maxPieces: number;
  #buffer: Uint8Array = new Uint8Array(0);
  #size = 0;
  /** Where each piece ends, for a body of unknown length; one of known length is one piece. */
  readonly #ends: number[] | null;
  #ending: Ending = { kind: 'open' };
  #wake: (() => void) | null = null;
  #readPastCap = false;

  constructor(req: IncomingMessage, cap: number) {
    this.#cap = cap;
    this.#maxPieces = maxPiecesFor(cap) + 1;
    const declared = req.headers['content-length'];
    this.#ends = declared === undefined ? [] : null;
    const parsed = alreadyParsedBody(req);
    if (parsed !== undefined || req.readableEnded) {
      if (parsed?.byteLength) this.#append(parsed);
      this.#ending = { kind: 'ended' };
      return;
    }
    // Declared too large: not a byte is read; the handler refuses it from its headers.
    if (declaredOver(declared, cap)) {
      this.#ending = { kind: 'over' };
      return;
    }
    const detach = () => void req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    const onData = (chunk: Buffer) => {
      if (this.#ending.kind !== 'open') return;
      if (this.#size + chunk.byteLength > this.#cap || (this.#ends && this.#ends.length >= this.#maxPieces)) this.#finish({ kind: 'over' });
      else this.#append(chunk);
    };
    const onEnd = () => (detach(), this.#finish({ kind: 'ended' }));
    const onError = (error: Error) => (detach(), this.#finish({ kind: 'failed', error: clientGone(error) }));
    const onClose = () => onError(new Error('The connection closed before the body was complete.'));
    // Flowing from here on: past the cap the listener stays, dropping what comes.
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  }

  #append(chunk: Uint8Array): void {
    const needed = this.#size + chunk.byteLength;
    if (needed > this.#buffer.byteLength) {
      const grown = new Uint8Array(Math.min(this.#cap, Math.max(needed, this.#buffer.byteLength * 2)));
      grown.set(this.#buffer.subarray(0, this.#size));
      this.#buffer = grown;
    }
    this.#buffer.set(chunk, this.#size);
    this.#size = needed;
    this.#ends?.push(needed);
    this.#wake?.();
  }

  #finish(ending: Ending): void {
    if (this.#ending.kind !== 'open') return;
    this.#ending = ending;
    this.#wake?.();
  }

  /** Whether a reader read up to the cap and was refused the rest (the client sent too much). */
  get readPastCap(): boolean {
    return this.#readPastCap;
  }

  /** The failure a reader gets once it has read all there was. */
  #failure(): Error | null {
    if (this.#ending.kind === 'over') {
      this.#readPastCap = true;
      return new RequestBodyTooLarge(this.#cap);
    }
    return this.#ending.kind === 'failed' ? this.#ending.error : null;
  }

  /** The body as a stream of the pieces it came in; it fails with `RequestBodyTooLarge` past the cap. */
  stream(): ReadableStream<Uint8Array> {
    let delivered = 0;
    let piece = 0;
    return new ReadableStream<Uint8Array>({
      pull: (controller) => {
        const next = (): Promise<void> | void => {
          if (delivered < this.#size) {
            const end = this.#ends ? this.#ends[piece++]! : this.#size;
            controller.enqueue(this.#buffer.slice(delivered, end));
            delivered = end;
            return;
          }
          const failure = this.#failure();
          if (failure) return controller.error(failure);
          if (this.#ending.kind === 'ended') return controller.close();
          return new Promise<void>((resolve) => (this.#wake = resolve)).then(() => ((this.#wake = null), next()));
        };
        return next();
      },
      // The reader wants no more (a body past its route's own limit): the rest is dropped as it comes.
      cancel: () => {
        this.#finish({ kind: 'over' });
        this.#buffer = new Uint8Array(0);
      },
    });
  }

  /** The whole body in one buffer; rejects with `RequestBodyTooLarge` past the cap. */
  whole(): Promise<ArrayBuffer> {
    const settle = (): Promise<ArrayBuffer> => {
      const failure = this.#failure();
      if (failure) return Promise.reject(failure);
      if (this.#ending.kind === 'ended') return Promise.resolve(this.#buffer.buffer.slice(0, this.#size) as ArrayBuffer);
      return new Promise<void>((resolve) => (this.#wake = resolve)).then(() => ((this.#wake = null), settle()));
    };
    return settle();
  }
}

/**
 * Bodies read with a cap, from any runtime: a page's call request, Superfone's delivery or
 * its answer. A body is gathered into one buffer as it arrives, never kept as the pieces
 * it came in (a client sending 65,000 one-byte chunks would otherwise make the server hold
 * 65,000 objects), and it is refused past the cap in bytes or in pieces.
 */

/** Why a body was refused: too many bytes, or too many pieces (chunks, reads) for its size. */
export type BodyExcess = 'bytes' | 'pieces';

export type BodyReading = { ok: true; bytes: Uint8Array } | { ok: false; exceeded: BodyExcess };

export type BodyText = { ok: true; text: string } | { ok: false; exceeded: BodyExcess };

/**
 * Most pieces a body of up to `limit` bytes may arrive in. A real client sends a call
 * request in one or two reads and a 64 KiB delivery in a few dozen; only a client that
 * means harm sends one byte per chunk.
 */
export function maxPiecesFor(limit: number): number {
  return Math.max(64, Math.ceil(limit / 256));
}

/** A `Content-Length` over the limit: refused before a byte of the body is read. */
export function declaredOver(declaredLength: string | null | undefined, limit: number): boolean {
  if (declaredLength === null || declaredLength === undefined) return false;
  const declared = Number(declaredLength);
  return Number.isFinite(declared) && declared > limit;
}

/**
 * Gathers one body; `add` says, at the first piece too many, what was exceeded. A body that
 * comes in one piece (most do) is kept as it came; from the second piece on, the pieces are
 * copied into one buffer, sized by the declared length and grown as bytes come.
 */
export class BodyGatherer {
  #first: Uint8Array | null = null;
  #buffer: Uint8Array | null = null;
  #size = 0;
  #pieces = 0;
  readonly #limit: number;
  readonly #maxPieces: number;
  readonly #declared: number;

  /** `maxPieces` Infinity for a body whose declared length already bounds it: gathered into one buffer, its pieces hold nothing. */
  constructor(limit: number, declaredLength?: string | null, maxPieces = maxPiecesFor(limit)) {
    this.#limit = limit;
    this.#maxPieces = maxPieces;
    const declared = Number(declaredLength);
    this.#declared = declaredLength && Number.isFinite(declared) ? Math.min(limit, declared) : 0;
  }

  add(piece: Uint8Array): BodyExcess | null {
    this.#pieces += 1;
    if (this.#size + piece.byteLength > this.#limit) return 'bytes';
    if (this.#pieces > this.#maxPieces) return 'pieces';
    if (this.#pieces === 1) {
      this.#first = piece;
      this.#size = piece.byteLength;
      return null;
    }
    const needed = this.#size + piece.byteLength;
    if (!this.#buffer || needed > this.#buffer.byteLength) {
      const grown = new Uint8Array(Math.min(this.#limit, Math.max(needed, this.#declared, (this.#buffer?.byteLength ?? 0) * 2)));
      grown.set(this.#buffer ? this.#buffer.subarray(0, this.#size) : this.#first!);
      this.#buffer = grown;
      this.#first = null;
    }
    this.#buffer.set(piece, this.#size);
    this.#size = needed;
    return null;
  }

  bytes(): Uint8Array {
    return this.#buffer?.subarray(0, this.#size) ?? this.#first ?? new Uint8Array(0);
  }
}

const decoder = new TextDecoder();

export function asText(reading: BodyReading): BodyText {
  return reading.ok ? { ok: true, text: decoder.decode(reading.bytes) } : reading;
}

/** A body stream that failed because the platform reads no more of it (an adapter's own cap): the proxy answers 413, on any route. */
export class RequestBodyTooLarge extends Error {
  constructor(readonly cap: number) {
    super(`The request is larger than ${cap} bytes.`);
  }
}

/** Reads a Fetch body within the limit; stops (and cancels the stream) at the first piece past it. */
export async function readLimitedBody(body: ReadableStream<Uint8Array> | null, limit: number, declaredLength: string | null): Promise<BodyReading> {
  if (declaredOver(declaredLength, limit)) {
    await body?.cancel().catch(() => {});
    return { ok: false, exceeded: 'bytes' };
  }
  if (!body) return { ok: true, bytes: new Uint8Array(0) };
  const reader = body.getReader();
  const gatherer = new BodyGatherer(limit, declaredLength);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { ok: true, bytes: gatherer.bytes() };
    const exceeded = gatherer.add(value);
    if (exceeded) {
      await reader.cancel().catch(() => {});
      return { ok: false, exceeded };
    }
  }
}

/**
 * A request's body as text within the limit, read only when a route asks (every check that
 * needs no body has run by then). A body whose declared length is within the limit is read
 * whole: HTTP's framing ends it there, and the platform gathers it without a stream. One
 * of unknown length is read piece by piece and refused at the first byte or piece too many.
 */
export async function readRequestText(request: Request, limit: number): Promise<BodyText> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) <= limit) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    return bytes.byteLength > limit ? { ok: false, exceeded: 'bytes' } : asText({ ok: true, bytes });
  }
  return asText(await readLimitedBody(request.body, limit, declared));
}

/**
 * Whether a request that should have no body has one: a length other than 0, or chunks, or
 * (where a platform hands over a `Request` without those headers) a body stream at all.
 */
export function carriesBody(request: Request): boolean {
  const length = request.headers.get('content-length');
  return length !== null ? length !== '0' : request.headers.has('transfer-encoding') || request.body !== null;
}

/** What the proxy answers a body over its limit with: what was sent too much of, and the limit. */
export function overLimitMessage(what: string, limit: number, exceeded: BodyExcess): string {
  return exceeded === 'bytes' ? `${what} is larger than ${limit} bytes.` : `${what} came in more than ${maxPiecesFor(limit)} pieces; send it in one.`;
}

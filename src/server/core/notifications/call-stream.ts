import { CALL_STATUS_EVENT, type CallStatusBody } from '../../../shared/protocol.js';

export interface CallStreamOptions {
  /** A comment line this often keeps proxies and load balancers from closing an idle stream. Default 15 000. */
  heartbeatMs?: number;
  /** A stream is closed after this long; the browser reconnects with `Last-Event-ID`. Default 30 min. */
  maxStreamMs?: number;
  /** Streams one client may hold open at once. Default 16. */
  perClient?: number;
  /** Streams this instance holds open at once. Default 10 000. */
  total?: number;
  /** After the call ends, a stream stays open this long for its recording and summary, unless both come sooner. Default 15 min. */
  afterEndMs?: number;
}

export const DEFAULT_CALL_STREAMS = { heartbeatMs: 15_000, maxStreamMs: 30 * 60 * 1000, perClient: 16, total: 10_000, afterEndMs: 15 * 60 * 1000 } as const;

/** How long a browser waits before reconnecting a dropped stream. */
const RECONNECT_MS = 3_000;

const encoder = new TextEncoder();

function eventText(status: CallStatusBody): string {
  return `id: ${status.version}\nevent: ${CALL_STATUS_EVENT}\ndata: ${JSON.stringify(status)}\n\n`;
}

/** Open streams per client and in all, so nobody can hold this instance's memory with idle connections. */
export class StreamBudget {
  readonly #open = new Map<string, number>();
  #total = 0;
  readonly #perClient: number;
  readonly #limit: number;

  constructor(perClient: number, total: number) {
    this.#perClient = perClient;
    this.#limit = total;
  }

  /** A release function, or `null` when the client (or the instance) holds as many as it may. */
  tryOpen(client: string): (() => void) | null {
    const held = this.#open.get(client) ?? 0;
    if (held >= this.#perClient || this.#total >= this.#limit) return null;
    this.#open.set(client, held + 1);
    this.#total += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#total -= 1;
      const left = (this.#open.get(client) ?? 1) - 1;
      if (left > 0) this.#open.set(client, left);
      else this.#open.delete(client);
    };
  }
}

/** Whether a status says all there is to say: ended, with both the recording and the summary. */
function isComplete(status: CallStatusBody): boolean {
  return status.state === 'ended' && status.recording !== undefined && status.summary !== undefined;
}

/** When a stream of this call has nothing more to wait for, in epoch ms: never while it is on; once ended, when both reports are in or the after-end window closes. */
export function quietAt(status: CallStatusBody, endedAt: number | null, afterEndMs: number): number {
  if (status.state !== 'ended') return Number.POSITIVE_INFINITY;
  const since = endedAt ?? Date.now();
  return isComplete(status) ? since : since + afterEndMs;
}

/**
 * A call's status as Server-Sent Events: the current status first (unless the browser
 * already has it, by `Last-Event-ID`), then each piece of news as it comes: the end, the
 * recording, the summary. The stream closes once both reports are in, or `afterEndMs` after
 * the end. Heartbeat comments keep it open in between. `updates` registers the listener
 * that hears the news; `onClose` runs once, however the stream stops.
 */
export function callEventStream(
  current: CallStatusBody,
  lastEventId: number,
  updates: (listener: (status: CallStatusBody) => void) => void,
  onClose: () => void,
  options: { heartbeatMs: number; maxStreamMs: number; afterEndMs: number; endedAt: number | null; signal?: AbortSignal },
): ReadableStream<Uint8Array> {
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let lifetime: ReturnType<typeof setTimeout> | undefined;
  let afterEnd: ReturnType<typeof setTimeout> | undefined;
  let closed = false;
  const stop = () => {
    if (closed) return false;
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    clearTimeout(afterEnd);
    onClose();
    return true;
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const close = () => {
        if (stop()) controller.close();
      };
      /** Closes now if the call has nothing more to say, else arms the after-end window once it has ended. */
      const settle = (status: CallStatusBody, endedAt: number | null) => {
        const wait = quietAt(status, endedAt, options.afterEndMs) - Date.now();
        if (wait <= 0) return close();
        if (Number.isFinite(wait) && afterEnd === undefined) afterEnd = setTimeout(close, wait);
      };
      // Each version is written once, whether the browser had it or the news came twice.
      let sent = lastEventId;
      const send = (status: CallStatusBody) => {
        if (status.version <= sent) return;
        sent = status.version;
        write(eventText(status));
      };
      write(`retry: ${RECONNECT_MS}\n\n`);
      send(current);
      settle(current, options.endedAt);
      if (closed) return;
      updates((status) => {
        send(status);
        settle(status, null);
      });
      heartbeat = setInterval(() => write(': heartbeat\n\n'), options.heartbeatMs);
      lifetime = setTimeout(close, options.maxStreamMs);
      options.signal?.addEventListener('abort', () => stop(), { once: true });
    },
    cancel() {
      stop();
    },
  });
}

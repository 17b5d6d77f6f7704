import { createParser } from 'eventsource-parser';

import { CALL_STATUS_EVENT, type CallStatusBody, callStatusPath, type CallSummary, isCallStatusBody } from '../shared/protocol.js';

/** How often a page that cannot stream asks for its call's status, at first and at most. */
const POLL_FIRST_MS = 5_000;
const POLL_LONGEST_MS = 60_000;
/** How long after the end a page waits for the recording and the summary: the proxy's own `callStreams.afterEndMs` by default. */
export const REPORTS_AWAITED_MS = 15 * 60_000;

interface Listeners {
  ended: (record: CallSummary) => void;
  reports?: (status: CallStatusBody) => void;
}

/** One follower per call in the page, however many controls show that call. */
const followers = new Map<string, { listeners: Set<Listeners>; stop: () => void }>();

/**
 * Calls `onEnded` when the call ends; controls that show the same call share one stream,
 * and hear the end in the order they asked. After the end, `onReports` hears each status
 * that brings the recording or the summary (the first being the end itself) until both are
 * in, or for REPORTS_AWAITED_MS. Returns a function that stops listening.
 */
export function followCall(proxyUrl: string, callId: string, onEnded: (record: CallSummary) => void, onReports?: (status: CallStatusBody) => void): () => void {
  const key = `${proxyUrl} ${callId}`;
  let follower = followers.get(key);
  if (!follower) {
    const listeners = new Set<Listeners>();
    let ended = false;
    const created = {
      listeners,
      stop: openFollower(proxyUrl, callId, (status) => {
        const first = !ended;
        ended = true;
        const heard = [...listeners];
        if (first) for (const listener of heard) listener.ended(status.record!);
        for (const listener of heard) listener.reports?.(status);
        // Done when both reports are in, or nobody waits for them.
        const done = isComplete(status) || !heard.some((listener) => listener.reports);
        if (done && followers.get(key) === created) followers.delete(key);
        return done;
      }),
    };
    followers.set(key, created);
    follower = created;
  }
  const mine = follower;
  const listener: Listeners = { ended: onEnded, reports: onReports };
  mine.listeners.add(listener);
  return () => {
    mine.listeners.delete(listener);
    if (mine.listeners.size === 0 && followers.get(key) === mine) {
      followers.delete(key);
      mine.stop();
    }
  };
}

/** Whether an ended call has both its recording and its summary: nothing more will come. */
function isComplete(status: CallStatusBody): boolean {
  return status.recording !== undefined && status.summary !== undefined;
}

/**
 * Follows one call by its id: Server-Sent Events where the browser has `EventSource` (it
 * reconnects and resumes by itself), else, or once the stream is refused, a plain GET of its
 * status, less often as time goes on. `onEnded` hears each newer ended status, and says
 * whether that is all it wants. After the end, the stream is closed and the status asked by
 * GET, less and less often, for REPORTS_AWAITED_MS at most: a stream held open per ended
 * call would use up the six connections a browser opens to a proxy over HTTP/1.1. A call
 * the proxy does not know (expired, or never given out) is simply no longer followed.
 */
class CallFollower {
  readonly #callId: string;
  readonly #statusUrl: string;
  readonly #onEnded: (status: CallStatusBody) => boolean;
  #stopped = false;
  #source: EventSource | null = null;
  readonly #streaming = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #afterEnd: ReturnType<typeof setTimeout> | undefined;
  /** The newest version heard, so news read twice (a stream and a GET) is taken once. */
  #heard = 0;
  #polling = false;

  constructor(proxyUrl: string, callId: string, onEnded: (status: CallStatusBody) => boolean) {
    this.#callId = callId;
    this.#statusUrl = callStatusPath(proxyUrl, callId);
    this.#onEnded = onEnded;
  }

  start(): void {
    if (typeof EventSource === 'function') this.#listen();
    else if (typeof ReadableStream === 'function' && typeof TextDecoderStream === 'function') void this.#stream();
    else this.#poll(0);
  }

  stop = (): void => {
    this.#stopped = true;
    this.#closeStream();
    clearTimeout(this.#timer);
    clearTimeout(this.#afterEnd);
  };

  #closeStream(): void {
    this.#source?.close();
    this.#source = null;
    this.#streaming.abort();
  }

  #take(status: unknown): void {
    if (this.#stopped || !isCallStatusBody(status) || status.callId !== this.#callId || status.state !== 'ended' || status.version <= this.#heard) return;
    if (this.#heard === 0) this.#afterEnd = setTimeout(this.stop, REPORTS_AWAITED_MS);
    this.#heard = status.version;
    if (this.#onEnded(status)) return this.stop();
    this.#closeStream();
    this.#poll(POLL_FIRST_MS);
  }

  #takeData(data: string): void {
    try {
      this.#take(JSON.parse(data));
    } catch {
      // Not our proxy's event: ignore it.
    }
  }

  /** Asks for the status after `delayMs`, then less and less often; one such loop at a time. */
  #poll(delayMs: number): void {
    if (this.#polling) return;
    this.#polling = true;
    this.#ask(delayMs);
  }

  #ask(delayMs: number): void {
    this.#timer = setTimeout(async () => {
      if (this.#stopped) return;
      try {
        const response = await fetch(this.#statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (response.status === 404) return this.stop();
        if (response.ok) this.#take(await response.json());
      } catch {
        // Offline for a moment: ask again later.
      }
      if (!this.#stopped) this.#ask(Math.min(Math.max(delayMs * 2, POLL_FIRST_MS), POLL_LONGEST_MS));
    }, delayMs);
  }

  #listen(): void {
    const source = new EventSource(`${this.#statusUrl}/events`);
    this.#source = source;
    source.addEventListener(CALL_STATUS_EVENT, (event) => this.#takeData((event as MessageEvent<string>).data));
    source.addEventListener('error', () => {
      // While CONNECTING the browser retries by itself; CLOSED means it was refused
      // (404, a full stream budget, a proxy that cannot stream): ask by GET instead.
      if (this.#source?.readyState === EventSource.CLOSED) {
        this.#source = null;
        this.#poll(0);
      }
    });
  }

  /**
   * Where there is no `EventSource` (an extension's service worker), the same events read
   * from a streamed fetch; refused, cut off or ended without the call's end, it asks by GET.
   */
  async #stream(): Promise<void> {
    try {
      const response = await fetch(`${this.#statusUrl}/events`, { headers: { Accept: 'text/event-stream' }, credentials: 'same-origin', signal: this.#streaming.signal });
      if (!response.ok || !response.body) throw new Error(`no stream (${response.status})`);
      const parser = createParser({ onEvent: (event) => event.event === CALL_STATUS_EVENT && this.#takeData(event.data) });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (let read = await reader.read(); !read.done && !this.#stopped; read = await reader.read()) parser.feed(read.value);
      void reader.cancel().catch(() => {});
    } catch {
      // Refused or cut off: asked by GET below.
    }
    if (!this.#stopped) this.#poll(0);
  }
}

/** Starts following one call; returns a function that stops following. */
function openFollower(proxyUrl: string, callId: string, onEnded: (status: CallStatusBody) => boolean): () => void {
  const follower = new CallFollower(proxyUrl, callId, onEnded);
  follower.start();
  return follower.stop;
}

import { createParser } from 'eventsource-parser';

import { askForToken } from '../../client/call-client.js';
import { type ErrorCode, isErrorBody, isMissedCallsBody, MISSED_CALLS_EVENT, type MissedCallsBody, missedCallsPath } from '../../shared/protocol.js';
import type { TokenSource } from '../scope-context.js';

/** Whose missed calls, from where: the element's settings, else its scope's. */
export interface FeedSettings {
  proxyUrl: string;
  /** Named on the request where sign-in does not say who the agent is (on the proxy's own machine only). */
  agentNumber: string | null;
  getToken: TokenSource | null;
}

/** What the agent's list is now: not known yet, the list, or why it cannot be had. */
export type FeedState =
  | { kind: 'loading' }
  | { kind: 'list'; body: MissedCallsBody }
  /** `network_error` also for an answer that is not the proxy's. `reason`: why `getToken` gave no token, for the developer. */
  | { kind: 'failed'; code: ErrorCode; reason?: string };

/** Waits before asking again after a stream ends or a request fails, at first and at most. */
const RETRY_FIRST_MS = 3_000;
const RETRY_LONGEST_MS = 60_000;
/** Refusals that asking again will not change: the page's setup must. */
const FINAL: ReadonlySet<ErrorCode> = new Set(['forbidden', 'bad_request', 'invalid_number', 'token_unavailable']);

/**
 * The agent's missed calls as a stream from the proxy (`GET …/missed-calls/events`), read
 * with fetch so that a sign-in token can go in `Authorization` (EventSource sends no
 * headers). Each list replaces the last. Cut off, it reconnects after a few seconds, less
 * often as failures repeat; refused for the token, it asks `getToken` for a fresh one once.
 */
export class MissedCallsFeed {
  readonly #settings: FeedSettings;
  readonly #onState: (state: FeedState) => void;
  readonly #base: string;
  readonly #query: string;
  readonly #stopping = new AbortController();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #retryMs = RETRY_FIRST_MS;

  constructor(settings: FeedSettings, onState: (state: FeedState) => void) {
    this.#settings = settings;
    this.#onState = onState;
    this.#base = missedCallsPath(settings.proxyUrl);
    this.#query = settings.agentNumber ? `?agent=${encodeURIComponent(settings.agentNumber)}` : '';
    void this.#connect(false);
  }

  stop(): void {
    this.#stopping.abort();
    clearTimeout(this.#timer);
  }

  /** Dismisses one missed call in every tab; `false` when the proxy refused or could not be reached. */
  async dismiss(id: string): Promise<boolean> {
    const sent = await this.#headers();
    if ('failed' in sent) return false;
    try {
      const response = await fetch(`${this.#base}/${encodeURIComponent(id)}/dismiss${this.#query}`, { method: 'POST', headers: sent, credentials: 'same-origin' });
      // Already gone (called back, or dismissed in another tab) is what was wanted.
      return response.ok || response.status === 404;
    } catch {
      return false;
    }
  }

  /** The headers every request carries: the token, where the page gives one. */
  async #headers(): Promise<Record<string, string> | { failed: FeedState }> {
    if (!this.#settings.getToken) return {};
    const given = await askForToken(this.#settings.getToken);
    return 'token' in given ? { Authorization: `Bearer ${given.token}` } : { failed: { kind: 'failed', code: 'token_unavailable', reason: given.reason } };
  }

  #again(afterMs: number): void {
    if (this.#stopping.signal.aborted) return;
    this.#timer = setTimeout(() => void this.#connect(false), afterMs);
    this.#retryMs = Math.min(this.#retryMs * 2, RETRY_LONGEST_MS);
  }

  async #connect(tokenRetried: boolean): Promise<void> {
    const sent = await this.#headers();
    if (this.#stopping.signal.aborted) return;
    if ('failed' in sent) return this.#onState(sent.failed as FeedState);
    let response: Response;
    try {
      response = await fetch(`${this.#base}/events${this.#query}`, {
        headers: { Accept: 'text/event-stream', ...(sent as Record<string, string>) },
        credentials: 'same-origin',
        signal: this.#stopping.signal,
      });
    } catch {
      if (!this.#stopping.signal.aborted) this.#onState({ kind: 'failed', code: 'network_error' });
      return this.#again(this.#retryMs);
    }
    if (!response.ok || !response.body) return this.#refused(response, tokenRetried);
    await this.#read(response.body);
    this.#again(this.#retryMs);
  }

  /** A refusal, or an answer that is not the proxy's: said, then asked again unless asking again cannot help. */
  async #refused(response: Response, tokenRetried: boolean): Promise<void> {
    const payload: unknown = await response.json().catch(() => undefined);
    const code: ErrorCode = isErrorBody(payload) ? payload.error.code : response.status === 429 ? 'rate_limited' : 'network_error';
    if (!tokenRetried && this.#settings.getToken && (code === 'unauthorized' || code === 'token_expired')) return this.#connect(true);
    this.#onState({ kind: 'failed', code });
    if (FINAL.has(code) || code === 'unauthorized' || code === 'token_expired') return;
    const retryAfter = Number(response.headers.get('Retry-After'));
    this.#again(Number.isInteger(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : this.#retryMs);
  }

  /** Each list the stream sends, until it ends, is cut off, or the feed stops. */
  async #read(body: NonNullable<Response['body']>): Promise<void> {
    const parser = createParser({
      onEvent: (event) => {
        if (event.event !== MISSED_CALLS_EVENT) return;
        try {
          const list: unknown = JSON.parse(event.data);
          if (isMissedCallsBody(list)) {
            this.#retryMs = RETRY_FIRST_MS;
            this.#onState({ kind: 'list', body: list });
          }
        } catch {
          // Not our proxy's event: ignored.
        }
      },
    });
    try {
      const reader = body.pipeThrough(new TextDecoderStream()).getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) parser.feed(read.value);
    } catch {
      // Cut off, or stopped: asked again by the caller unless stopped.
    }
  }
}

/** Opens the agent's feed; `stop()` ends it, `dismiss(id)` dismisses one missed call. */
export function openMissedCallsFeed(settings: FeedSettings, onState: (state: FeedState) => void): MissedCallsFeed {
  return new MissedCallsFeed(settings, onState);
}

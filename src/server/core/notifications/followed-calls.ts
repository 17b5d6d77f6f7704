import type { CallRecord } from '../../../shared/call-record.js';
import type { CallStatusBody, CallSummary } from '../../../shared/protocol.js';
import { errorMessage } from '../exchange.js';
import type { ProxyStore } from '../store/proxy-store.js';
import { chooseStart, DEFAULT_CLOCK_SKEW_MS, toMatch, type CallMatch, type PendingCall } from './pending-calls.js';

/** The store's channel on which every instance hears that a followed call ended. */
const ENDED_CHANNEL = 'calls-ended';
/** An ended call's status stays readable this long, for pages that reload or come back late. */
const ENDED_STATUS_TTL_MS = 60 * 60 * 1000;

type StoredCall = PendingCall & { record: CallSummary | null };
type Listener = (status: CallStatusBody) => void;

/** 128 random bits, base64url: the capability to follow one call. */
export function newCallId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function summarize(record: CallRecord): CallSummary {
  const { raw: _raw, ...summary } = record;
  return summary;
}

export function statusBody(callId: string, record: CallSummary | null): CallStatusBody {
  return record ? { callId, state: 'ended', version: 2, record } : { callId, state: 'active', version: 1, record: null };
}

/**
 * The calls pages follow by their call id: each one's status in the store, and the news
 * that one ended, published through the store so the instance holding a page's stream
 * hears it whichever instance received Superfone's delivery. Streams open here are also
 * kept in memory, so when the store is out of reach a delivery to this instance still
 * reaches the pages connected to it.
 */
export class FollowedCalls {
  readonly #store: ProxyStore;
  readonly #ttlMs: number;
  /** Calls followed from this instance; `call` is known once read from the store. */
  readonly #watchers = new Map<string, { call: PendingCall | null; listeners: Set<Listener> }>();
  #subscribed: Promise<unknown> | null = null;

  constructor(store: ProxyStore, ttlMs: number) {
    this.#store = store;
    this.#ttlMs = ttlMs;
  }

  /** Records a START's call as active; its id is the page's to follow it with. */
  async open(call: PendingCall): Promise<void> {
    const stored: StoredCall = { ...call, record: null };
    await this.#store.put(`call:${call.callId}`, JSON.stringify(stored), this.#ttlMs);
  }

  async #read(callId: string): Promise<StoredCall | null> {
    const text = await this.#store.get(`call:${callId}`);
    if (text === null) return null;
    try {
      return JSON.parse(text) as StoredCall;
    } catch {
      return null;
    }
  }

  /** The call's status, or `null` for an id that was never given out, has expired, or is malformed: all alike. */
  async status(callId: string): Promise<CallStatusBody | null> {
    if (!callId) return null;
    const stored = await this.#read(callId);
    return stored ? statusBody(callId, stored.record) : null;
  }

  /**
   * Listens for the call's end, here and through the store; resolves with the call's status
   * as it is now (`null`: no such call). Listening starts before the status is read, so an
   * end that lands in between is not missed.
   */
  async watch(callId: string, listener: Listener): Promise<{ status: CallStatusBody | null; stop: () => void }> {
    this.#subscribed ??= this.#store.subscribe(ENDED_CHANNEL, (message) => this.#onEnded(message)).catch((error: unknown) => {
      this.#subscribed = null;
      throw error;
    });
    await this.#subscribed;
    let watched = this.#watchers.get(callId);
    if (!watched) {
      watched = { call: null, listeners: new Set() };
      this.#watchers.set(callId, watched);
    }
    const mine = watched;
    mine.listeners.add(listener);
    const stop = () => {
      mine.listeners.delete(listener);
      if (mine.listeners.size === 0 && this.#watchers.get(callId) === mine) this.#watchers.delete(callId);
    };
    try {
      const stored = await this.#read(callId);
      if (!stored) {
        stop();
        return { status: null, stop };
      }
      mine.call = stored;
      return { status: statusBody(callId, stored.record), stop };
    } catch (error) {
      stop();
      throw error;
    }
  }

  /** Among the calls followed from this instance: used when the store cannot match. */
  matchWatched(record: CallRecord): CallMatch | null {
    const calls = [...this.#watchers.values()].flatMap(({ call }) => (call ? [call] : []));
    const chosen = chooseStart(calls, record, { clockSkewMs: DEFAULT_CLOCK_SKEW_MS, now: Date.now() });
    return chosen && toMatch(chosen);
  }

  /**
   * The call's record arrived: its status becomes `ended` in the store, and every instance
   * is told. Whatever of that fails, pages following it from this instance hear it.
   * Resolves with what could not be done, for the log.
   */
  async end(match: CallMatch, record: CallRecord): Promise<string | undefined> {
    const summary = summarize(record);
    const message = JSON.stringify(statusBody(match.callId, summary));
    const problems: string[] = [];
    const stored: StoredCall = { ...match, startedAt: Date.parse(match.startedAt), record: summary };
    await this.#store.put(`call:${match.callId}`, JSON.stringify(stored), ENDED_STATUS_TTL_MS).catch((error: unknown) => {
      problems.push(`status not stored: ${errorMessage(error)}`);
    });
    const published = await this.#store.publish(ENDED_CHANNEL, message).then(
      () => true,
      (error: unknown) => {
        problems.push(`not published: ${errorMessage(error)}`);
        return false;
      },
    );
    // Published news comes back to this instance through its own subscription.
    if (!published) this.#onEnded(message);
    return problems.length > 0 ? problems.join('; ') : undefined;
  }

  #onEnded(message: string): void {
    let status: CallStatusBody;
    try {
      status = JSON.parse(message) as CallStatusBody;
    } catch {
      return;
    }
    const watched = this.#watchers.get(status.callId);
    if (!watched) return;
    this.#watchers.delete(status.callId);
    for (const listener of watched.listeners) listener(status);
  }
}

import type { CallRecord, CallUpdate } from '../../../shared/call-record.js';
import type { CallStatusBody, CallSummary } from '../../../shared/protocol.js';
import { errorMessage } from '../exchange.js';
import type { ProxyStore } from '../store/proxy-store.js';
import { type CallMatch, chooseStart, DEFAULT_CLOCK_SKEW_MS, type PendingCall, toMatch } from './pending-calls.js';

/** The store's channel on which every instance hears that a followed call ended, or was reported on after. */
const ENDED_CHANNEL = 'calls-ended';
/** An ended call's status stays readable this long after its last news, for pages that reload or come back late. */
const ENDED_STATUS_TTL_MS = 60 * 60 * 1000;

/** What the store keeps of a call: its START, its record once ended (and when that came), and what was reported after. */
type StoredCall = PendingCall & { record: CallSummary | null; endedAt?: number } & Pick<CallStatusBody, 'recording' | 'summary'>;
type Listener = (status: CallStatusBody) => void;

/** 128 random bits, base64url: the capability to follow one call. */
export function newCallId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export function summarize(record: CallRecord): CallSummary {
  const { raw: _raw, ...summary } = record;
  return summary;
}

/** The status a page reads: each piece of news (the end, the recording, the summary) one version more. */
export function statusBody(callId: string, stored: Pick<StoredCall, 'record' | 'recording' | 'summary'>): CallStatusBody {
  const reports = { ...(stored.recording ? { recording: stored.recording } : {}), ...(stored.summary ? { summary: stored.summary } : {}) };
  const version = 1 + (stored.record ? 1 : 0) + Object.keys(reports).length;
  return stored.record ? { callId, state: 'ended', version, record: stored.record, ...reports } : { callId, state: 'active', version, record: null, ...reports };
}

/** What a page may be told of a report. */
function reported(update: CallUpdate): Pick<CallStatusBody, 'recording' | 'summary'> {
  return update.kind === 'recording'
    ? { recording: { url: update.recordingUrl, expiresAt: update.recordingExpiresAt } }
    : { summary: { text: update.summary, transcript: update.transcript } };
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
    return stored ? statusBody(callId, stored) : null;
  }

  /**
   * Listens for the call's end, here and through the store; resolves with the call's status
   * as it is now (`null`: no such call). Listening starts before the status is read, so an
   * end that lands in between is not missed.
   */
  async watch(callId: string, listener: Listener): Promise<{ status: CallStatusBody | null; endedAt: number | null; stop: () => void }> {
    this.#subscribed ??= this.#store
      .subscribe(ENDED_CHANNEL, (message) => this.#onStatus(message))
      .catch((error: unknown) => {
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
        return { status: null, endedAt: null, stop };
      }
      mine.call = stored;
      return { status: statusBody(callId, stored), endedAt: stored.endedAt ?? null, stop };
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
    // A recording reported before the record is kept.
    const before = await this.#read(match.callId).catch(() => null);
    const stored: StoredCall = { ...before, ...match, startedAt: Date.parse(match.startedAt), record: summarize(record), endedAt: Date.now() };
    return this.#save(match.callId, stored, ENDED_STATUS_TTL_MS);
  }

  /**
   * A recording or a summary for the call: kept in its status, and told to every instance.
   * A call whose status has expired is told nothing (`onCallUpdate` still hears it).
   */
  async report(match: CallMatch, update: CallUpdate): Promise<string | undefined> {
    const before = await this.#read(match.callId);
    if (!before) return 'its status has expired: only onCallUpdate hears it';
    return this.#save(match.callId, { ...before, ...reported(update) }, before.record ? ENDED_STATUS_TTL_MS : this.#ttlMs);
  }

  /** Stores the call's status and tells every instance; resolves with what could not be done, for the log. */
  async #save(callId: string, stored: StoredCall, ttlMs: number): Promise<string | undefined> {
    const message = JSON.stringify(statusBody(callId, stored));
    const problems: string[] = [];
    await this.#store.put(`call:${callId}`, JSON.stringify(stored), ttlMs).catch((error: unknown) => {
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
    if (!published) this.#onStatus(message);
    return problems.length > 0 ? problems.join('; ') : undefined;
  }

  #onStatus(message: string): void {
    let status: CallStatusBody;
    try {
      status = JSON.parse(message) as CallStatusBody;
    } catch {
      return;
    }
    const watched = this.#watchers.get(status.callId);
    if (!watched) return;
    // Kept after the end, for the recording and the summary (each stream stops its own
    // listener), but no longer a call a record can be matched to.
    if (status.state === 'ended') watched.call = null;
    for (const listener of [...watched.listeners]) listener(status);
  }
}

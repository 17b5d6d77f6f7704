/**
 * What this origin knows about active calls, one per agent, shared by every control in
 * every tab: records live in localStorage (so a reload keeps them) and changes travel over
 * a BroadcastChannel (so other tabs learn at once). Superfone allows one active call per
 * agent; this lets the page know before the API says so.
 */

export interface ActiveCallRecord {
  /** Whose call it is: the agent's number, or the proxy for a server-bound agent. */
  agentKey: string;
  customerNumber: string;
  agentNumber: string | null;
  proxyUrl: string;
  notificationId: number;
  /** The proxy's id to follow the call by, when it receives Superfone's notifications. */
  callId: string | null;
  startedAt: number;
  /** When `max-duration` ends the call, in epoch ms; `null` when it has none. */
  endsAt: number | null;
}

export const STORAGE_KEY = 'superfone-call-button:active-calls';
const CHANNEL_NAME = 'superfone-call-button';
/** A record nobody ended (a closed tab, a crash) stops blocking the agent after this long. */
export const STALE_AFTER_MS = 4 * 60 * 60 * 1000;
/** A call past its `max-duration` deadline is kept this much longer, for the END to go out. */
const DEADLINE_GRACE_MS = 60 * 1000;

type Records = Record<string, ActiveCallRecord>;
type Message = { type: 'set'; record: ActiveCallRecord } | { type: 'clear'; agentKey: string; notificationId: number };

/** The key under which an agent's call is kept: its number, or the proxy that binds it. */
export function agentKeyFor(agentNumber: string | null, proxyUrl: string): string {
  return agentNumber ?? `server-bound:${proxyUrl}`;
}

function isExpired(record: ActiveCallRecord, now: number): boolean {
  const limit = record.endsAt === null ? record.startedAt + STALE_AFTER_MS : record.endsAt + DEADLINE_GRACE_MS;
  return now > limit;
}

export class ActiveCalls {
  /** Every control on the page watches; a Set costs less per control than an event listener each. */
  readonly #watchers = new Set<() => void>();
  readonly #storage: Storage | null;
  readonly #channel: BroadcastChannel | null;
  /** The records as last read or written; storage is read again only when another tab changes it. */
  #memory: Records | null = null;

  constructor(storage: Storage | null, channel: BroadcastChannel | null) {
    this.#storage = storage;
    this.#channel = channel;
    this.#channel?.addEventListener('message', (event: MessageEvent<Message>) => {
      // Another tab already wrote storage; this tab's copy only needs to notice.
      const records = this.#read();
      if (event.data?.type === 'set') records[event.data.record.agentKey] = event.data.record;
      if (event.data?.type === 'clear') delete records[event.data.agentKey];
      this.#changed();
    });
  }

  get(agentKey: string): ActiveCallRecord | undefined {
    const records = this.#read();
    const record = records[agentKey];
    if (record && isExpired(record, Date.now())) {
      delete records[agentKey];
      this.#write(records);
      return undefined;
    }
    return record;
  }

  set(record: ActiveCallRecord): void {
    const records = this.#read();
    records[record.agentKey] = record;
    this.#write(records);
    this.#announce({ type: 'set', record });
  }

  /** Forgets the agent's call, if it is still the one with this notification. */
  clear(agentKey: string, notificationId: number): void {
    const records = this.#read();
    if (records[agentKey]?.notificationId !== notificationId) return;
    delete records[agentKey];
    this.#write(records);
    this.#announce({ type: 'clear', agentKey, notificationId });
  }

  #announce(message: Message): void {
    this.#channel?.postMessage(message);
    this.#changed();
  }

  /** Calls `watcher` after every change, here or in another tab; returns a function that stops it. */
  watch(watcher: () => void): () => void {
    this.#watchers.add(watcher);
    return () => void this.#watchers.delete(watcher);
  }

  #changed(): void {
    for (const watcher of [...this.#watchers]) watcher();
  }

  /** Forgets the cached copy, so the next read sees storage as it is now. */
  reload(): void {
    this.#memory = null;
    this.#changed();
  }

  #read(): Records {
    if (this.#memory) return this.#memory;
    let records: Records = {};
    try {
      const parsed: unknown = JSON.parse(this.#storage?.getItem(STORAGE_KEY) ?? '{}');
      if (typeof parsed === 'object' && parsed !== null) records = parsed as Records;
    } catch {
      // Unreadable: start empty rather than block calls.
    }
    this.#memory = records;
    return records;
  }

  #write(records: Records): void {
    this.#memory = records;
    try {
      this.#storage?.setItem(STORAGE_KEY, JSON.stringify(records));
    } catch {
      // Storage full or refused: this tab still knows, through its copy and the channel.
    }
  }
}

let shared: ActiveCalls | undefined;

/** The page's one registry, made on first use. */
export function activeCalls(): ActiveCalls {
  if (!shared) {
    let storage: Storage | null = null;
    try {
      storage = globalThis.localStorage ?? null;
    } catch {
      storage = null;
    }
    const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(CHANNEL_NAME) : null;
    const calls = new ActiveCalls(storage, channel);
    // A tab without BroadcastChannel still writes storage; its change arrives as a storage event.
    globalThis.addEventListener?.('storage', (event: StorageEvent) => {
      if (event.key === STORAGE_KEY || event.key === null) calls.reload();
    });
    shared = calls;
  }
  return shared;
}

/**
 * Runs `end` at the agent's call's `max-duration` deadline, if it has one and is still the
 * same call then; across tabs, the first to get the lock sends END. Returns the timer.
 */
export function atDeadline(agentKey: string, end: () => Promise<void>): ReturnType<typeof setTimeout> | undefined {
  const record = activeCalls().get(agentKey);
  if (!record?.endsAt) return undefined;
  return setTimeout(() => {
    const endOnce = async () => {
      if (activeCalls().get(agentKey)?.notificationId === record.notificationId) await end();
    };
    if (navigator.locks) void navigator.locks.request(`superfone-call-button:end:${agentKey}`, endOnce);
    else void endOnce();
  }, Math.max(0, record.endsAt - Date.now()));
}

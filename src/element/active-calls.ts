/**
 * What this origin knows about active calls, one per agent, shared by every control in
 * every tab: they live in localStorage (so a reload keeps them) and changes travel over
 * a BroadcastChannel (so other tabs learn at once). Superfone allows one active call per
 * agent; this lets the page know before the API says so.
 */

export interface ActiveCall {
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
/** A call nobody ended (a closed tab, a crash) stops blocking the agent after this long. */
export const STALE_AFTER_MS = 4 * 60 * 60 * 1000;
/** A call past its `max-duration` deadline is kept this much longer, for the END to go out. */
const DEADLINE_GRACE_MS = 60 * 1000;

type CallsByAgent = Record<string, ActiveCall>;
type Message = { type: 'set'; call: ActiveCall } | { type: 'clear'; agentKey: string; notificationId: number };

/** The key under which an agent's call is kept: its number, or the proxy that binds it. */
export function agentKeyFor(agentNumber: string | null, proxyUrl: string): string {
  return agentNumber ?? `server-bound:${proxyUrl}`;
}

function isExpired(call: ActiveCall, now: number): boolean {
  const limit = call.endsAt === null ? call.startedAt + STALE_AFTER_MS : call.endsAt + DEADLINE_GRACE_MS;
  return now > limit;
}

export class ActiveCalls {
  /** Every control on the page watches; a Set costs less per control than an event listener each. */
  readonly #watchers = new Set<() => void>();
  readonly #storage: Storage | null;
  readonly #channel: BroadcastChannel | null;
  /** The calls as last read or written; storage is read again only when another tab changes it. */
  #memory: CallsByAgent | null = null;

  constructor(storage: Storage | null, channel: BroadcastChannel | null) {
    this.#storage = storage;
    this.#channel = channel;
    this.#channel?.addEventListener('message', (event: MessageEvent<Message>) => {
      // Another tab already wrote storage; this tab's copy only needs to notice.
      const calls = this.#read();
      if (event.data?.type === 'set') calls[event.data.call.agentKey] = event.data.call;
      if (event.data?.type === 'clear') delete calls[event.data.agentKey];
      this.#changed();
    });
  }

  get(agentKey: string): ActiveCall | undefined {
    const calls = this.#read();
    const call = calls[agentKey];
    if (call && isExpired(call, Date.now())) {
      delete calls[agentKey];
      this.#write(calls);
      return undefined;
    }
    return call;
  }

  set(call: ActiveCall): void {
    const calls = this.#read();
    calls[call.agentKey] = call;
    this.#write(calls);
    this.#announce({ type: 'set', call });
  }

  /** Forgets the agent's call, if it is still the one with this notification. */
  clear(agentKey: string, notificationId: number): void {
    const calls = this.#read();
    if (calls[agentKey]?.notificationId !== notificationId) return;
    delete calls[agentKey];
    this.#write(calls);
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

  #read(): CallsByAgent {
    if (this.#memory) return this.#memory;
    let calls: CallsByAgent = {};
    try {
      const parsed: unknown = JSON.parse(this.#storage?.getItem(STORAGE_KEY) ?? '{}');
      if (typeof parsed === 'object' && parsed !== null) calls = parsed as CallsByAgent;
    } catch {
      // Unreadable: start empty rather than block calls.
    }
    this.#memory = calls;
    return calls;
  }

  #write(calls: CallsByAgent): void {
    this.#memory = calls;
    try {
      this.#storage?.setItem(STORAGE_KEY, JSON.stringify(calls));
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

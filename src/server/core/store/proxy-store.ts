import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import RateLimiterMemory from 'rate-limiter-flexible/lib/RateLimiterMemory.js';

/**
 * Where the proxy's shared state lives: rate-limit counters, per-agent START locks, and
 * the calls being followed (pending STARTs, deliveries seen, each call's status, and the
 * channel that tells every instance a call has ended). One process by default; Redis
 * shares it between instances behind a load balancer.
 */
export interface ProxyStore {
  /** A counter of `points` per `durationSec` window, named so several can share a store. */
  limiter(name: string, points: number, durationSec: number): RateLimiterAbstract;
  /** Takes `key` for `ttlMs`; resolves with a release function, or `null` when someone holds it. */
  tryLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
  /** Keeps `value` under `key` for `ttlMs`. With `onlyIfAbsent`, resolves `false` and changes nothing when the key exists. */
  put(key: string, value: string, ttlMs: number, options?: { onlyIfAbsent?: boolean }): Promise<boolean>;
  get(key: string): Promise<string | null>;
  /** Appends to the list at `key`; the whole list lives `ttlMs` from now. */
  append(key: string, value: string, ttlMs: number): Promise<void>;
  list(key: string): Promise<string[]>;
  /** Removes one `value` from the list at `key`; `false` when it was not there (someone else took it). */
  take(key: string, value: string): Promise<boolean>;
  /** Tells every subscriber of `channel`, in every instance sharing the store. */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once subscribed, with a function that unsubscribes. */
  subscribe(channel: string, listener: (message: string) => void): Promise<() => Promise<void>>;
}

export function lockToken(): string {
  return crypto.randomUUID();
}

/** Entries kept at most by the memory store; past it the oldest go first. */
const MEMORY_ENTRIES_LIMIT = 100_000;

/** Everything in this process's memory; entries expire with their window. */
class MemoryStore implements ProxyStore {
  readonly #locks = new Map<string, { expiresAt: number }>();
  readonly #entries = new Map<string, { value: string | string[]; expiresAt: number }>();
  readonly #channels = new Map<string, Set<(message: string) => void>>();

  #live(key: string) {
    const entry = this.#entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) this.#entries.delete(key);
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  }

  #keep(key: string, value: string | string[], ttlMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    if (this.#entries.size > MEMORY_ENTRIES_LIMIT) this.#entries.delete(this.#entries.keys().next().value!);
  }

  limiter(name: string, points: number, durationSec: number) {
    return new RateLimiterMemory({ keyPrefix: name, points, duration: durationSec });
  }

  async tryLock(key: string, ttlMs: number) {
    const now = Date.now();
    const held = this.#locks.get(key);
    if (held && held.expiresAt > now) return null;
    // The holder is this very object: no token to draw, and a stale holder's release finds another.
    const mine = { expiresAt: now + ttlMs };
    this.#locks.set(key, mine);
    return async () => {
      if (this.#locks.get(key) === mine) this.#locks.delete(key);
    };
  }

  async put(key: string, value: string, ttlMs: number, options: { onlyIfAbsent?: boolean } = {}) {
    if (options.onlyIfAbsent && this.#live(key)) return false;
    this.#keep(key, value, ttlMs);
    return true;
  }

  async get(key: string) {
    const value = this.#live(key)?.value;
    return typeof value === 'string' ? value : null;
  }

  async append(key: string, value: string, ttlMs: number) {
    const current = this.#live(key)?.value;
    this.#keep(key, [...(Array.isArray(current) ? current : []), value], ttlMs);
  }

  async list(key: string) {
    const value = this.#live(key)?.value;
    return Array.isArray(value) ? [...value] : [];
  }

  async take(key: string, value: string) {
    const entry = this.#live(key);
    if (!entry || !Array.isArray(entry.value)) return false;
    const index = entry.value.indexOf(value);
    if (index < 0) return false;
    entry.value.splice(index, 1);
    return true;
  }

  async publish(channel: string, message: string) {
    for (const listener of [...(this.#channels.get(channel) ?? [])]) listener(message);
  }

  async subscribe(channel: string, listener: (message: string) => void) {
    const listeners = this.#channels.get(channel) ?? new Set();
    this.#channels.set(channel, listeners.add(listener));
    return async () => void listeners.delete(listener);
  }
}

/** The default: everything in this process's memory; entries expire with their window. */
export function memoryStore(): ProxyStore {
  return new MemoryStore();
}

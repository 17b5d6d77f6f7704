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

/** The default: everything in this process's memory; entries expire with their window. */
export function memoryStore(): ProxyStore {
  const locks = new Map<string, { expiresAt: number }>();
  const entries = new Map<string, { value: string | string[]; expiresAt: number }>();
  const channels = new Map<string, Set<(message: string) => void>>();
  const live = (key: string) => {
    const entry = entries.get(key);
    if (entry && entry.expiresAt <= Date.now()) entries.delete(key);
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  };
  const keep = (key: string, value: string | string[], ttlMs: number) => {
    entries.delete(key);
    entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    if (entries.size > MEMORY_ENTRIES_LIMIT) entries.delete(entries.keys().next().value!);
  };
  return {
    limiter: (name, points, durationSec) => new RateLimiterMemory({ keyPrefix: name, points, duration: durationSec }),
    async tryLock(key, ttlMs) {
      const now = Date.now();
      const held = locks.get(key);
      if (held && held.expiresAt > now) return null;
      // The holder is this very object: no token to draw, and a stale holder's release finds another.
      const mine = { expiresAt: now + ttlMs };
      locks.set(key, mine);
      return async () => {
        if (locks.get(key) === mine) locks.delete(key);
      };
    },
    async put(key, value, ttlMs, options = {}) {
      if (options.onlyIfAbsent && live(key)) return false;
      keep(key, value, ttlMs);
      return true;
    },
    async get(key) {
      const value = live(key)?.value;
      return typeof value === 'string' ? value : null;
    },
    async append(key, value, ttlMs) {
      const current = live(key)?.value;
      keep(key, [...(Array.isArray(current) ? current : []), value], ttlMs);
    },
    async list(key) {
      const value = live(key)?.value;
      return Array.isArray(value) ? [...value] : [];
    },
    async take(key, value) {
      const entry = live(key);
      if (!entry || !Array.isArray(entry.value)) return false;
      const index = entry.value.indexOf(value);
      if (index < 0) return false;
      entry.value.splice(index, 1);
      return true;
    },
    async publish(channel, message) {
      for (const listener of [...(channels.get(channel) ?? [])]) listener(message);
    },
    async subscribe(channel, listener) {
      const listeners = channels.get(channel) ?? new Set();
      channels.set(channel, listeners.add(listener));
      return async () => void listeners.delete(listener);
    },
  };
}

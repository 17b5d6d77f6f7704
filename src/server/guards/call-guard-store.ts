import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import RateLimiterMemory from 'rate-limiter-flexible/lib/RateLimiterMemory.js';

/** Where rate-limit counters and per-agent START locks live: one process, or shared through Redis. */
export interface CallGuardStore {
  /** A counter of `points` per `durationSec` window, named so several can share a store. */
  limiter(name: string, points: number, durationSec: number): RateLimiterAbstract;
  /** Takes `key` for `ttlMs`; resolves with a release function, or `null` when someone holds it. */
  tryLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
}

export function lockToken(): string {
  return crypto.randomUUID();
}

/** The default: counters and locks in this process's memory; entries expire with their window. */
export function memoryStore(): CallGuardStore {
  const locks = new Map<string, { token: string; expiresAt: number }>();
  return {
    limiter: (name, points, durationSec) => new RateLimiterMemory({ keyPrefix: name, points, duration: durationSec }),
    async tryLock(key, ttlMs) {
      const now = Date.now();
      const held = locks.get(key);
      if (held && held.expiresAt > now) return null;
      const mine = { token: lockToken(), expiresAt: now + ttlMs };
      locks.set(key, mine);
      return async () => {
        if (locks.get(key)?.token === mine.token) locks.delete(key);
      };
    },
  };
}

import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

/** The minimum of an ioredis client this store uses. */
export interface RedisLike {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null>;
  eval(script: string, keyCount: number, ...args: Array<string | number>): Promise<unknown>;
}

/** Where rate-limit counters and per-agent START locks live: one process, or shared through Redis. */
export interface CallGuardStore {
  /** A counter of `points` per `durationSec` window, named so several can share a store. */
  limiter(name: string, points: number, durationSec: number): RateLimiterAbstract;
  /** Takes `key` for `ttlMs`; resolves with a release function, or `null` when someone holds it. */
  tryLock(key: string, ttlMs: number): Promise<(() => Promise<void>) | null>;
}

function token(): string {
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
      const mine = { token: token(), expiresAt: now + ttlMs };
      locks.set(key, mine);
      return async () => {
        if (locks.get(key)?.token === mine.token) locks.delete(key);
      };
    },
  };
}

/** Deletes the lock only if it is still ours, so a lock that expired and was retaken stays. */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Counters and locks in Redis, so several proxy instances behind a load balancer share
 * them. Pass an ioredis client: `redisStore(new Redis(process.env.REDIS_URL))`.
 */
export function redisStore(client: RedisLike, options: { prefix?: string } = {}): CallGuardStore {
  const prefix = options.prefix ?? 'superfone';
  return {
    limiter: (name, points, durationSec) =>
      new RateLimiterRedis({ storeClient: client, keyPrefix: `${prefix}:${name}`, points, duration: durationSec }),
    async tryLock(key, ttlMs) {
      const lockKey = `${prefix}:lock:${key}`;
      const mine = token();
      if ((await client.set(lockKey, mine, 'PX', ttlMs, 'NX')) !== 'OK') return null;
      return async () => {
        await client.eval(RELEASE_SCRIPT, 1, lockKey, mine);
      };
    },
  };
}

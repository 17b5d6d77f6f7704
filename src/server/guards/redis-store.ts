import RateLimiterRedis from 'rate-limiter-flexible/lib/RateLimiterRedis.js';
import { lockToken, type CallGuardStore } from './call-guard-store.js';

/** The minimum of an ioredis client this store uses. */
export interface RedisLike {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx: 'NX'): Promise<'OK' | null>;
  eval(script: string, keyCount: number, ...args: Array<string | number>): Promise<unknown>;
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
      const mine = lockToken();
      if ((await client.set(lockKey, mine, 'PX', ttlMs, 'NX')) !== 'OK') return null;
      return async () => {
        await client.eval(RELEASE_SCRIPT, 1, lockKey, mine);
      };
    },
  };
}

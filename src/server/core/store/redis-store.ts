import RateLimiterRedis from 'rate-limiter-flexible/lib/RateLimiterRedis.js';
import { lockToken, type ProxyStore } from './proxy-store.js';

/** The minimum of an ioredis client this store uses. */
export interface RedisLike {
  set(key: string, value: string, px: 'PX', ttlMs: number, nx?: 'NX'): Promise<'OK' | null>;
  get(key: string): Promise<string | null>;
  eval(script: string, keyCount: number, ...args: Array<string | number>): Promise<unknown>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  lrem(key: string, count: number, value: string): Promise<number>;
  publish(channel: string, message: string): Promise<number>;
  /** A second connection for subscriptions: a subscribed connection can do nothing else. */
  duplicate(): RedisSubscriberLike;
}

export interface RedisSubscriberLike {
  readonly status: string;
  connect(): Promise<void>;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  once(event: 'ready', listener: () => void): unknown;
  disconnect(): void;
}

/** How long a page's stream waits for the subscription connection before it is refused (503). */
const SUBSCRIBER_READY_MS = 5_000;

/** Deletes the lock only if it is still ours, so a lock that expired and was retaken stays. */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Appends and sets the list's lifetime in one step, so no list outlives its entries. */
const APPEND_SCRIPT = `redis.call('rpush', KEYS[1], ARGV[1]); redis.call('pexpire', KEYS[1], ARGV[2]); return 1`;

export type RedisStore = ProxyStore & {
  /** Closes the subscription connection, if one was opened; the client passed in stays yours to close. */
  close(): void;
};

/**
 * Counters, locks and followed calls in Redis, so several proxy instances behind a load
 * balancer share them, and a call's end reported to one instance reaches pages connected
 * to another (pub/sub). Pass an ioredis client: `redisStore(new Redis(process.env.REDIS_URL))`.
 */
export function redisStore(client: RedisLike, options: { prefix?: string } = {}): RedisStore {
  const prefix = options.prefix ?? 'superfone';
  const named = (key: string) => `${prefix}:${key}`;
  const listeners = new Map<string, Set<(message: string) => void>>();
  let subscriber: RedisSubscriberLike | undefined;
  const subscriberReady = async () => {
    if (!subscriber) {
      subscriber = client.duplicate();
      subscriber.on('message', (channel, message) => {
        for (const listener of listeners.get(channel) ?? []) listener(message);
      });
    }
    const connection = subscriber;
    if (connection.status === 'wait') await connection.connect();
    else if (connection.status !== 'ready') {
      // Still connecting: a client without an offline queue would refuse SUBSCRIBE now.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('Redis subscription connection not ready')), SUBSCRIBER_READY_MS);
        connection.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return connection;
  };
  return {
    limiter: (name, points, durationSec) =>
      new RateLimiterRedis({ storeClient: client, keyPrefix: named(name), points, duration: durationSec }),
    async tryLock(key, ttlMs) {
      const lockKey = named(`lock:${key}`);
      const mine = lockToken();
      if ((await client.set(lockKey, mine, 'PX', ttlMs, 'NX')) !== 'OK') return null;
      return async () => {
        await client.eval(RELEASE_SCRIPT, 1, lockKey, mine);
      };
    },
    async put(key, value, ttlMs, options = {}) {
      const answer = options.onlyIfAbsent ? await client.set(named(key), value, 'PX', ttlMs, 'NX') : await client.set(named(key), value, 'PX', ttlMs);
      return answer === 'OK';
    },
    get: (key) => client.get(named(key)),
    async append(key, value, ttlMs) {
      await client.eval(APPEND_SCRIPT, 1, named(key), value, Math.ceil(ttlMs));
    },
    list: (key) => client.lrange(named(key), 0, -1),
    async take(key, value) {
      return (await client.lrem(named(key), 1, value)) > 0;
    },
    async publish(channel, message) {
      await client.publish(named(channel), message);
    },
    async subscribe(channel, listener) {
      const name = named(channel);
      const connection = await subscriberReady();
      let set = listeners.get(name);
      if (!set) {
        set = new Set();
        listeners.set(name, set);
        await connection.subscribe(name);
      }
      set.add(listener);
      return async () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(name) === set) {
          listeners.delete(name);
          await connection.unsubscribe(name).catch(() => {});
        }
      };
    },
    close() {
      subscriber?.disconnect();
      subscriber = undefined;
      listeners.clear();
    },
  };
}

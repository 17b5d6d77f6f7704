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
  on(event: 'error', listener: (error: Error) => void): unknown;
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

/** Channels listened to over one subscription connection, opened on first use (a subscribed connection can do nothing else). */
class RedisSubscriptions {
  readonly #client: RedisLike;
  readonly #listeners = new Map<string, Set<(message: string) => void>>();
  #subscriber: RedisSubscriberLike | undefined;

  constructor(client: RedisLike) {
    this.#client = client;
  }

  async #ready(): Promise<RedisSubscriberLike> {
    if (!this.#subscriber) {
      this.#subscriber = this.#client.duplicate();
      this.#subscriber.on('message', (channel, message) => {
        for (const listener of this.#listeners.get(channel) ?? []) listener(message);
      });
      // This store made the connection, so its errors are ours to hear: each request that needs
      // it fails with the reason (503, logged), and ioredis reconnects by itself. Unheard,
      // ioredis prints every failed reconnect, many a second while Redis is away.
      this.#subscriber.on('error', () => {});
    }
    const connection = this.#subscriber;
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
  }

  async listen(name: string, listener: (message: string) => void): Promise<() => Promise<void>> {
    const connection = await this.#ready();
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
      await connection.subscribe(name);
    }
    set.add(listener);
    return async () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(name) === set) {
        this.#listeners.delete(name);
        await connection.unsubscribe(name).catch(() => {});
      }
    };
  }

  close(): void {
    this.#subscriber?.disconnect();
    this.#subscriber = undefined;
    this.#listeners.clear();
  }
}

class RedisBackedStore implements RedisStore {
  readonly #client: RedisLike;
  readonly #prefix: string;
  readonly #subscriptions: RedisSubscriptions;

  constructor(client: RedisLike, prefix: string) {
    this.#client = client;
    this.#prefix = prefix;
    this.#subscriptions = new RedisSubscriptions(client);
  }

  #named(key: string): string {
    return `${this.#prefix}:${key}`;
  }

  limiter(name: string, points: number, durationSec: number) {
    return new RateLimiterRedis({ storeClient: this.#client, keyPrefix: this.#named(name), points, duration: durationSec });
  }

  async tryLock(key: string, ttlMs: number) {
    const lockKey = this.#named(`lock:${key}`);
    const mine = lockToken();
    if ((await this.#client.set(lockKey, mine, 'PX', ttlMs, 'NX')) !== 'OK') return null;
    return async () => {
      await this.#client.eval(RELEASE_SCRIPT, 1, lockKey, mine);
    };
  }

  async put(key: string, value: string, ttlMs: number, options: { onlyIfAbsent?: boolean } = {}) {
    const name = this.#named(key);
    const answer = options.onlyIfAbsent ? await this.#client.set(name, value, 'PX', ttlMs, 'NX') : await this.#client.set(name, value, 'PX', ttlMs);
    return answer === 'OK';
  }

  get(key: string) {
    return this.#client.get(this.#named(key));
  }

  async append(key: string, value: string, ttlMs: number) {
    await this.#client.eval(APPEND_SCRIPT, 1, this.#named(key), value, Math.ceil(ttlMs));
  }

  list(key: string) {
    return this.#client.lrange(this.#named(key), 0, -1);
  }

  async take(key: string, value: string) {
    return (await this.#client.lrem(this.#named(key), 1, value)) > 0;
  }

  async publish(channel: string, message: string) {
    await this.#client.publish(this.#named(channel), message);
  }

  subscribe(channel: string, listener: (message: string) => void) {
    return this.#subscriptions.listen(this.#named(channel), listener);
  }

  close(): void {
    this.#subscriptions.close();
  }
}

/**
 * Counters, locks and followed calls in Redis, so several proxy instances behind a load
 * balancer share them, and a call's end reported to one instance reaches pages connected
 * to another (pub/sub). Pass an ioredis client: `redisStore(new Redis(process.env.REDIS_URL))`.
 */
export function redisStore(client: RedisLike, options: { prefix?: string } = {}): RedisStore {
  return new RedisBackedStore(client, options.prefix ?? 'superfone');
}

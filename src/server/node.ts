// The proxy on Node: adapters for node:http and connect/Express, server hardening, and the
// Redis store that shares limits between instances. Everything in `superfone-call-button/proxy` too.
export * from './index.js';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  hardenNodeServer,
  toFetchRequest,
  toNodeListener,
  writeFetchResponse,
  type FetchHandler,
  type NodeListener,
  type NodeListenerOptions,
  type ServerHardening,
} from './node-adapter.js';
export { redisStore, type RedisLike, type RedisStore, type RedisSubscriberLike } from './guards/redis-store.js';
export { superfoneListener, superfoneMiddleware, type ConnectMiddleware, type SuperfoneServerOptions } from './node-proxy.js';

export {
  createSuperfoneProxy,
  DEFAULT_API_BASE,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMEOUT_MS,
  type AuthorizeResult,
  type ProxyLogEntry,
  type SuperfoneProxyHandler,
  type SuperfoneProxyOptions,
} from './proxy.js';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  hardenNodeServer,
  superfoneListener,
  superfoneMiddleware,
  toFetchRequest,
  toNodeListener,
  writeFetchResponse,
  type ConnectMiddleware,
  type FetchHandler,
  type NodeListener,
  type NodeListenerOptions,
  type ServerHardening,
} from './node-adapter.js';
export { buildClickToCallUrl, CLICK_TO_CALL_PATH } from './superfone-client.js';
export { clientAddressOf } from './client-address.js';
export { DEFAULT_REFUSALS_LOGGED_PER_MINUTE, maskNumber } from './audit.js';
export { memoryStore, redisStore, type CallGuardStore, type RedisLike } from './guards/call-guard-store.js';
export { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimitOptions } from './guards/rate-limits.js';
export type { CircuitBreakerOptions } from './guards/circuit-breaker.js';
export * from '../protocol.js';

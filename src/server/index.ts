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
  superfoneMiddleware,
  toFetchRequest,
  toNodeListener,
  writeFetchResponse,
  type ConnectMiddleware,
  type FetchHandler,
  type NodeListener,
} from './node-adapter.js';
export { buildClickToCallUrl, CLICK_TO_CALL_PATH } from './superfone-client.js';
export { clientAddressOf } from './client-address.js';
export { maskNumber } from './audit.js';
export { memoryStore, redisStore, type CallGuardStore, type RedisLike } from './guards/call-guard-store.js';
export { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimitOptions } from './guards/rate-limits.js';
export type { CircuitBreakerOptions } from './guards/circuit-breaker.js';
export * from '../protocol.js';

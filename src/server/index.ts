// The proxy for any runtime with the Fetch API: nothing here imports Node. The Node
// adapters and the Redis store are in `superfone-call-button/proxy/node`.
export {
  createSuperfoneProxy,
  DEFAULT_API_BASE,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMEOUT_MS,
  type AuthorizeResult,
  type PlatformInfo,
  type ProxyLogEntry,
  type SuperfoneProxyHandler,
  type SuperfoneProxyOptions,
} from './core/proxy.js';
export { buildClickToCallUrl, CLICK_TO_CALL_PATH } from './core/superfone-client.js';
export { DEFAULT_AGENT_CLAIM, DEFAULT_TOKEN_AUDIENCE, type AgentTokenOptions } from './core/guards/agent-token.js';
export { mintAgentToken, type AgentTokenClaims } from './core/mint-agent-token.js';
export { DEFAULT_REFUSALS_LOGGED_PER_MINUTE, maskNumber } from './core/audit.js';
export { memoryStore, type CallGuardStore } from './core/guards/call-guard-store.js';
export { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimitOptions } from './core/guards/rate-limits.js';
export type { CircuitBreakerOptions } from './core/guards/circuit-breaker.js';
export type { CallRecord, CallStatus } from '../shared/call-record.js';
export type { CallMatch } from './core/notifications/pending-calls.js';
export type { CallStreamOptions } from './core/notifications/call-stream.js';
export { REPORTED_FIELD_NAMES, toCallRecord, type NotificationFieldNames } from './core/notifications/call-record-mapping.js';
export * from '../shared/protocol.js';

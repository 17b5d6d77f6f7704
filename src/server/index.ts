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
} from './proxy.js';
export { buildClickToCallUrl, CLICK_TO_CALL_PATH } from './superfone-client.js';
export { DEFAULT_AGENT_CLAIM, DEFAULT_TOKEN_AUDIENCE, type AgentTokenOptions } from './guards/agent-token.js';
export { mintAgentToken, type AgentTokenClaims } from './mint-agent-token.js';
export { DEFAULT_REFUSALS_LOGGED_PER_MINUTE, maskNumber } from './audit.js';
export { memoryStore, type CallGuardStore } from './guards/call-guard-store.js';
export { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimitOptions } from './guards/rate-limits.js';
export type { CircuitBreakerOptions } from './guards/circuit-breaker.js';
export type { CallRecord, CallStatus } from '../shared/call-record.js';
export type { CallMatch } from './notifications/pending-calls.js';
export type { CallStreamOptions } from './notifications/call-stream.js';
export { REPORTED_FIELD_NAMES, toCallRecord, type NotificationFieldNames } from './notifications/call-record-mapping.js';
export * from '../shared/protocol.js';

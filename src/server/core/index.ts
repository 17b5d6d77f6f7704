// The core's public API: what the package's entries and the adapters (Node, Vite, the CLI)
// may use. Nothing outside core/ imports a core module but this one.
export { budgetedAuditLog, DEFAULT_REFUSALS_LOGGED_PER_MINUTE, headerForLog, maskNumber, type ProxyLogEntry, type RefusalKind, unreadRequestEntry } from './audit.js';
export { BodyGatherer, type BodyReading, declaredOver, maxPiecesFor, RequestBodyTooLarge } from './body-limit.js';
export { type AgentDirectory, AgentsFileError, emailKey, parseAgentsCsv } from './guards/agent-directory.js';
export { type AgentTokenOptions, checkAgentTokenOptions, DEFAULT_AGENT_CLAIM, DEFAULT_MAX_TOKEN_AGE_SEC, DEFAULT_TOKEN_AUDIENCE } from './guards/agent-token.js';
export type { CircuitBreakerOptions } from './guards/circuit-breaker.js';
export { checkIpv6PrefixLength, clientIdentity, DEFAULT_IPV6_PREFIX_LENGTH } from './guards/client-identity.js';
export { hostAndOriginGate } from './guards/host-and-origin-gate.js';
export { isWellFormedHost } from './guards/host-policy.js';
export { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimitOptions } from './guards/rate-limits.js';
export { type AgentTokenClaims, mintAgentToken } from './mint-agent-token.js';
export { type NotificationFieldNames, REPORTED_FIELD_NAMES, toCallRecord, toCallUpdate } from './notifications/call-record-mapping.js';
export type { CallStreamOptions } from './notifications/call-stream.js';
export type { CallMatch } from './notifications/pending-calls.js';
export {
  type AuthorizeResult,
  checkProxyOptions,
  createSuperfoneProxy,
  DEFAULT_API_BASE,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMEOUT_MS,
  type PlatformInfo,
  ProxyOptionError,
  type ProxyPlatform,
  type RespondWith,
  type SuperfoneProxyHandler,
  type SuperfoneProxyOptions,
  type UpstreamSend,
} from './proxy.js';
export { failureResponse, type ProxyFailure, SECURITY_HEADERS } from './responses.js';
export { webhookPath } from './routes.js';
export { memoryStore, type ProxyStore } from './store/proxy-store.js';
export { type RedisLike, type RedisStore, redisStore, type RedisSubscriberLike } from './store/redis-store.js';
export { buildClickToCallUrl, CLICK_TO_CALL_PATH, type UpstreamAnswer } from './superfone-client.js';

// The core's public API: what the package's entries and the adapters (Node, Vite, the CLI)
// may use. Nothing outside core/ imports a core module but this one.
export {
  checkProxyOptions,
  createSuperfoneProxy,
  DEFAULT_API_BASE,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_TIMEOUT_MS,
  ProxyOptionError,
  type AuthorizeResult,
  type PlatformInfo,
  type ProxyPlatform,
  type RespondWith,
  type SuperfoneProxyHandler,
  type SuperfoneProxyOptions,
  type UpstreamSend,
} from './proxy.js';
export { buildClickToCallUrl, CLICK_TO_CALL_PATH, type UpstreamAnswer } from './superfone-client.js';
export { webhookPath } from './routes.js';
export { hostAndOriginGate } from './guards/host-and-origin-gate.js';
export { failureResponse, SECURITY_HEADERS, type ProxyFailure } from './responses.js';
export { BodyGatherer, declaredOver, maxPiecesFor, RequestBodyTooLarge, type BodyReading } from './body-limit.js';
export {
  budgetedAuditLog,
  DEFAULT_REFUSALS_LOGGED_PER_MINUTE,
  headerForLog,
  maskNumber,
  unreadRequestEntry,
  type ProxyLogEntry,
  type RefusalKind,
} from './audit.js';
export { isWellFormedHost } from './guards/host-policy.js';
export { checkIpv6PrefixLength, clientIdentity, DEFAULT_IPV6_PREFIX_LENGTH } from './guards/client-identity.js';
export { AgentsFileError, emailKey, parseAgentsCsv, type AgentDirectory } from './guards/agent-directory.js';
export { checkAgentTokenOptions, DEFAULT_AGENT_CLAIM, DEFAULT_MAX_TOKEN_AGE_SEC, DEFAULT_TOKEN_AUDIENCE, type AgentTokenOptions } from './guards/agent-token.js';
export { mintAgentToken, type AgentTokenClaims } from './mint-agent-token.js';
export { memoryStore, type ProxyStore } from './store/proxy-store.js';
export { redisStore, type RedisLike, type RedisStore, type RedisSubscriberLike } from './store/redis-store.js';
export { DEFAULT_RATE_LIMITS, type RateLimit, type RateLimitOptions } from './guards/rate-limits.js';
export type { CircuitBreakerOptions } from './guards/circuit-breaker.js';
export type { CallMatch } from './notifications/pending-calls.js';
export type { CallStreamOptions } from './notifications/call-stream.js';
export { REPORTED_FIELD_NAMES, toCallRecord, toCallUpdate, type NotificationFieldNames } from './notifications/call-record-mapping.js';

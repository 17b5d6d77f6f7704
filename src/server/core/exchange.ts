import type { ErrorCode } from '../../shared/protocol.js';
import { type AuditLog, headerForLog, type ProxyLogEntry, type RefusalKind } from './audit.js';
import { withCorsGrant } from './cors.js';
import type { PlatformInfo, ProxyAnswer } from './proxy-message.js';
import { errorAnswer, type ProxyFailure, withSecurityHeaders } from './responses.js';

/**
 * One request and its answer: what the routes learn goes into `entry`, and `finish` writes
 * the audit line, adds CORS and the security headers, and hands the response back.
 */
export interface Exchange {
  readonly request: Request;
  /** The request's URL, parsed once. */
  readonly url: URL;
  readonly platform: PlatformInfo;
  readonly entry: Pick<ProxyLogEntry, 'action' | 'agent' | 'customer' | 'upstreamStatus' | 'event' | 'matched'>;
  /** Answers are logged within their kind's budget; what reached Superfone, and authenticated deliveries, always. */
  budgeted: boolean;
  /** Set once the origin is known to be an allowed cross-origin caller: the CORS headers every answer then carries. */
  corsGrant: Record<string, string> | null;
  finish(answer: ProxyAnswer, outcome: 'ok' | ErrorCode, detail?: string): ProxyAnswer;
  refuse(failure: ProxyFailure, detail?: string): ProxyAnswer;
}

export function openExchange(request: Request, platform: PlatformInfo, audit: AuditLog, redact: (text: string) => string): Exchange {
  const startedAt = performance.now();
  let refusalKind: RefusalKind | undefined;
  const exchange: Exchange = {
    request,
    url: new URL(request.url),
    platform,
    entry: { action: null, agent: null, customer: null, upstreamStatus: null },
    budgeted: true,
    corsGrant: null,
    finish(answer, outcome, detail) {
      withCorsGrant(answer, exchange.corsGrant);
      const refusal = outcome === 'ok' ? undefined : (refusalKind ?? outcome);
      audit(
        {
          time: new Date().toISOString(),
          ...exchange.entry,
          client: platform.clientAddress ?? null,
          origin: headerForLog(request.headers.get('origin')),
          outcome,
          status: answer.status,
          latencyMs: Math.round(performance.now() - startedAt),
          ...(refusal ? { refusal } : {}),
          ...(detail ? { detail: redact(detail) } : {}),
        },
        exchange.budgeted ? (refusal ?? 'ok') : null,
      );
      return withSecurityHeaders(answer);
    },
    refuse(failure, detail) {
      refusalKind = failure.kind;
      return exchange.finish(errorAnswer(failure), failure.code, detail);
    },
  };
  return exchange;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

import type { ErrorCode } from '../shared/protocol.js';
import { headerForLog, type AuditLog, type ProxyLogEntry } from './audit.js';
import { errorResponse, withSecurityHeaders, type ProxyFailure } from './responses.js';

/** What the platform knows about a request that the `Request` does not carry. Adapters fill it in. */
export interface PlatformInfo {
  /** The client's address: the TCP peer, or what the platform vouches for (`CF-Connecting-IP` on Workers). */
  clientAddress?: string;
}

/**
 * One request and its answer: what the routes learn goes into `entry`, and `finish` writes
 * the audit line, adds CORS and the security headers, and hands the response back.
 */
export interface Exchange {
  readonly request: Request;
  readonly platform: PlatformInfo;
  readonly entry: Pick<ProxyLogEntry, 'action' | 'agent' | 'customer' | 'upstreamStatus' | 'event' | 'matched'>;
  /** Refusals are logged within the budget; what reached Superfone, and authenticated deliveries, always. */
  budgeted: boolean;
  /** Set once the origin is known to be an allowed cross-origin caller. */
  cors: Record<string, string>;
  finish(response: Response, outcome: 'ok' | ErrorCode, detail?: string): Response;
  refuse(failure: ProxyFailure, detail?: string): Response;
}

export function openExchange(request: Request, platform: PlatformInfo, audit: AuditLog, redact: (text: string) => string): Exchange {
  const startedAt = performance.now();
  const exchange: Exchange = {
    request,
    platform,
    entry: { action: null, agent: null, customer: null, upstreamStatus: null },
    budgeted: true,
    cors: {},
    finish(response, outcome, detail) {
      for (const [name, value] of Object.entries(exchange.cors)) response.headers.set(name, value);
      audit(
        {
          time: new Date().toISOString(),
          ...exchange.entry,
          client: platform.clientAddress ?? null,
          origin: headerForLog(request.headers.get('origin')),
          outcome,
          status: response.status,
          latencyMs: Math.round(performance.now() - startedAt),
          ...(detail ? { detail: redact(detail) } : {}),
        },
        exchange.budgeted,
      );
      return withSecurityHeaders(response);
    },
    refuse: (failure, detail) => exchange.finish(errorResponse(failure), failure.code, detail),
  };
  return exchange;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

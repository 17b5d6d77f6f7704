import type { CallAction, ErrorCode } from '../shared/protocol.js';

/** One audit record per request. Numbers are masked; the API key is never in it. */
export interface ProxyLogEntry {
  time: string;
  action: CallAction | null;
  /** The agent's number with the middle digits masked, once known. */
  agent: string | null;
  /** The customer's number with the middle digits masked, once known. */
  customer: string | null;
  /** The TCP peer, when an adapter knows it. */
  client: string | null;
  /** The request's `Origin` header, cut to 100 characters. */
  origin: string | null;
  outcome: 'ok' | ErrorCode;
  status: number;
  upstreamStatus: number | null;
  latencyMs: number;
  /** Why, for failures the operator must fix (such as a throwing `authorize`). */
  detail?: string;
  /** Refusals left out of the log since the last entry, because they came faster than the budget. */
  suppressed?: number;
  /** For a notification from Superfone: its event, and whether its record matched a START here. */
  event?: string;
  matched?: boolean;
}

export type AuditLog = (entry: ProxyLogEntry, refusal: boolean) => void;

/** Refusal lines per minute by default; enough to investigate, too few to fill a disk. */
export const DEFAULT_REFUSALS_LOGGED_PER_MINUTE = 120;

/**
 * Every request is recorded, but refusals (requests that never reached Superfone) only up
 * to a budget per minute: a flood of refused requests must not fill the disk. The number
 * left out rides on the next entry written.
 */
export function budgetedAuditLog(
  log: ((entry: ProxyLogEntry) => void) | undefined,
  refusalsPerMinute = DEFAULT_REFUSALS_LOGGED_PER_MINUTE,
): AuditLog {
  let windowStart = 0;
  let refusalsWritten = 0;
  let suppressed = 0;
  return (entry, refusal) => {
    if (!log) return;
    if (refusal) {
      const now = Date.now();
      if (now - windowStart >= 60_000) {
        windowStart = now;
        refusalsWritten = 0;
      }
      if (refusalsWritten >= refusalsPerMinute) {
        suppressed += 1;
        return;
      }
      refusalsWritten += 1;
    }
    const line = suppressed > 0 ? { ...entry, suppressed } : entry;
    suppressed = 0;
    try {
      log(line);
    } catch {
      // A failing log sink must not turn a call that was placed into an error the agent retries.
    }
  };
}

/** The entry for a request refused before it could be read as a call (a malformed target, a timeout). */
export function unreadRequestEntry(fields: Pick<ProxyLogEntry, 'client' | 'origin' | 'outcome' | 'status' | 'latencyMs'> & { detail?: string }): ProxyLogEntry {
  return { time: new Date().toISOString(), action: null, agent: null, customer: null, upstreamStatus: null, ...fields };
}

/** The first 100 characters of a header that goes into a log line. */
export function headerForLog(value: string | null): string | null {
  return value === null ? null : value.slice(0, 100);
}

/**
 * Hides the middle digits of a number for logs: `+919876543210` → `+9198******10`.
 * Enough to tell calls apart when investigating, not enough to dial.
 */
export function maskNumber(e164: string | null): string | null {
  if (e164 === null) return null;
  if (e164.length <= 6) return '*'.repeat(e164.length);
  return e164.slice(0, 5) + '*'.repeat(e164.length - 7) + e164.slice(-2);
}

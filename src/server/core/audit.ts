import type { CallAction, ErrorCode } from '../../shared/protocol.js';

/**
 * What kind of refusal a log line records. Each kind has its own budget, so a flood of
 * one (a scanner's 404s) never hides another (a wrong webhook secret, a forbidden origin).
 * Refusals without a kind of their own count under their error code.
 */
export type RefusalKind =
  | 'host'
  | 'route'
  | 'method'
  | 'origin'
  | 'identity'
  | 'secret'
  | 'media_type'
  | 'too_large'
  | 'malformed'
  | 'timeout'
  | 'connections'
  /** The client left before its request's body had arrived. */
  | 'aborted'
  | ErrorCode;

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
  /** The HTTP status answered; `0` for a connection closed before any request was read. */
  status: number;
  upstreamStatus: number | null;
  latencyMs: number;
  /** Why, for failures the operator must fix (such as a throwing `authorize`). */
  detail?: string;
  /** On a refusal: its kind, which has a log budget of its own. */
  refusal?: RefusalKind;
  /** Entries left out of the log since the last one written, by kind, because they came faster than their budget. */
  suppressed?: Partial<Record<RefusalKind | 'ok', number>>;
  /** For a notification from Superfone: its event, and whether its record matched a START here. */
  event?: string;
  matched?: boolean;
}

/**
 * Writes one entry. `budget` names the budget it counts against (a refusal's kind, or
 * `ok` for an answer that spent nothing upstream); `null` for entries always written:
 * calls that reached Superfone, authenticated deliveries.
 */
export type AuditLog = (entry: ProxyLogEntry, budget: RefusalKind | 'ok' | null) => void;

/** Lines per minute for each kind of refusal by default; enough to investigate, too few to fill a disk. */
export const DEFAULT_REFUSALS_LOGGED_PER_MINUTE = 120;

const WINDOW_MS = 60_000;

/**
 * Every request is recorded, but those that reached nothing upstream only up to a budget
 * per kind per minute: a flood must not fill the disk, and a flood of one kind must not
 * hide another. The numbers left out, by kind, ride on the next entry written.
 */
export function budgetedAuditLog(log: ((entry: ProxyLogEntry) => void) | undefined, perKindPerMinute = DEFAULT_REFUSALS_LOGGED_PER_MINUTE): AuditLog {
  // Kinds are a closed set of names, so this map cannot grow with what clients send.
  const budgets = new Map<string, { windowStart: number; written: number }>();
  let suppressed: Record<string, number> = {};
  let anySuppressed = false;
  const explain = explainOnce();
  return (entry, budget) => {
    if (!log) return explain(entry);
    if (budget !== null) {
      const now = Date.now();
      let state = budgets.get(budget);
      if (!state || now - state.windowStart >= WINDOW_MS) budgets.set(budget, (state = { windowStart: now, written: 0 }));
      if (state.written >= perKindPerMinute) {
        suppressed[budget] = (suppressed[budget] ?? 0) + 1;
        anySuppressed = true;
        return;
      }
      state.written += 1;
    }
    const line = anySuppressed ? { ...entry, suppressed } : entry;
    suppressed = {};
    anySuppressed = false;
    try {
      log(line);
    } catch {
      // A failing log sink must not turn a call that was placed into an error the agent retries.
    }
  };
}

/** Causes of 500s told on stderr at most, so a cause made of request data cannot fill it either. */
const MAX_CAUSES_TOLD = 100;

/**
 * Without a log, a `500` still says why, to whoever runs the server: on stderr, once per
 * cause, not once per request. Secrets are already taken out of `detail`.
 */
function explainOnce(): (entry: ProxyLogEntry) => void {
  const told = new Set<string>();
  return (entry) => {
    if (entry.outcome !== 'internal_error' || told.size >= MAX_CAUSES_TOLD) return;
    const cause = entry.detail ?? 'no cause recorded';
    if (told.has(cause)) return;
    told.add(cause);
    console.error(`superfone-proxy: answered 500 (internal_error), and will not repeat this for the same cause: ${cause}. Set log to see every request.`);
  };
}

/** The entry for a request refused before it could be read as a call (a malformed target, a timeout). */
export function unreadRequestEntry(fields: Pick<ProxyLogEntry, 'client' | 'origin' | 'outcome' | 'status' | 'latencyMs' | 'refusal'> & { detail?: string }): ProxyLogEntry {
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

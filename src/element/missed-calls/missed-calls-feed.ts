import { createParser } from 'eventsource-parser';
import { isErrorBody, isMissedCallsBody, missedCallsPath, MISSED_CALLS_EVENT, type ErrorCode, type MissedCallsBody } from '../../shared/protocol.js';
import { askForToken } from '../../client/call-client.js';
import type { TokenSource } from '../scope-context.js';

/** Whose missed calls, from where: the element's settings, else its scope's. */
export interface FeedSettings {
  proxyUrl: string;
  /** Named on the request where sign-in does not say who the agent is (on the proxy's own machine only). */
  agentNumber: string | null;
  getToken: TokenSource | null;
}

/** What the agent's list is now: not known yet, the list, or why it cannot be had. */
export type FeedState =
  | { kind: 'loading' }
  | { kind: 'list'; body: MissedCallsBody }
  /** `network_error` also for an answer that is not the proxy's. `reason`: why `getToken` gave no token, for the developer. */
  | { kind: 'failed'; code: ErrorCode; reason?: string };

/** Waits before asking again after a stream ends or a request fails, at first and at most. */
const RETRY_FIRST_MS = 3_000;
const RETRY_LONGEST_MS = 60_000;
/** Refusals that asking again will not change: the page's setup must. */
const FINAL: ReadonlySet<ErrorCode> = new Set(['forbidden', 'bad_request', 'invalid_number', 'token_unavailable']);

/**
 * The agent's missed calls as a stream from the proxy (`GET …/missed-calls/events`), read
 * with fetch so that a sign-in token can go in `Authorization` (EventSource sends no
 * headers). Each list replaces the last. Cut off, it reconnects after a few seconds, less
 * often as failures repeat; refused for the token, it asks `getToken` for a fresh one once.
 * Returns how to stop and how to dismiss one.
 */
export function openMissedCallsFeed(settings: FeedSettings, onState: (state: FeedState) => void) {
  const base = missedCallsPath(settings.proxyUrl);
  const query = settings.agentNumber ? `?agent=${encodeURIComponent(settings.agentNumber)}` : '';
  const stopping = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let retryMs = RETRY_FIRST_MS;

  /** The headers every request carries: the token, where the page gives one. */
  const headers = async (): Promise<Record<string, string> | { failed: FeedState }> => {
    if (!settings.getToken) return {};
    const given = await askForToken(settings.getToken);
    return 'token' in given ? { Authorization: `Bearer ${given.token}` } : { failed: { kind: 'failed', code: 'token_unavailable', reason: given.reason } };
  };

  const again = (afterMs: number) => {
    if (stopping.signal.aborted) return;
    timer = setTimeout(() => void connect(false), afterMs);
    retryMs = Math.min(retryMs * 2, RETRY_LONGEST_MS);
  };

  const connect = async (tokenRetried: boolean): Promise<void> => {
    const sent = await headers();
    if (stopping.signal.aborted) return;
    if ('failed' in sent) return onState(sent.failed as FeedState);
    let response: Response;
    try {
      response = await fetch(`${base}/events${query}`, { headers: { Accept: 'text/event-stream', ...(sent as Record<string, string>) }, credentials: 'same-origin', signal: stopping.signal });
    } catch {
      if (!stopping.signal.aborted) onState({ kind: 'failed', code: 'network_error' });
      return again(retryMs);
    }
    if (!response.ok || !response.body) {
      const payload: unknown = await response.json().catch(() => undefined);
      const code: ErrorCode = isErrorBody(payload) ? payload.error.code : response.status === 429 ? 'rate_limited' : 'network_error';
      if (!tokenRetried && settings.getToken && (code === 'unauthorized' || code === 'token_expired')) return connect(true);
      onState({ kind: 'failed', code });
      if (FINAL.has(code) || code === 'unauthorized' || code === 'token_expired') return;
      const retryAfter = Number(response.headers.get('Retry-After'));
      return again(Number.isInteger(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : retryMs);
    }
    const parser = createParser({
      onEvent: (event) => {
        if (event.event !== MISSED_CALLS_EVENT) return;
        try {
          const body: unknown = JSON.parse(event.data);
          if (isMissedCallsBody(body)) {
            retryMs = RETRY_FIRST_MS;
            onState({ kind: 'list', body });
          }
        } catch {
          // Not our proxy's event: ignored.
        }
      },
    });
    try {
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (let read = await reader.read(); !read.done; read = await reader.read()) parser.feed(read.value);
    } catch {
      // Cut off, or stopped: asked again below unless stopped.
    }
    again(retryMs);
  };

  void connect(false);
  return {
    stop(): void {
      stopping.abort();
      clearTimeout(timer);
    },
    /** Dismisses one missed call in every tab; `false` when the proxy refused or could not be reached. */
    async dismiss(id: string): Promise<boolean> {
      const sent = await headers();
      if ('failed' in sent) return false;
      try {
        const response = await fetch(`${base}/${encodeURIComponent(id)}/dismiss${query}`, { method: 'POST', headers: sent as Record<string, string>, credentials: 'same-origin' });
        // Already gone (called back, or dismissed in another tab) is what was wanted.
        return response.ok || response.status === 404;
      } catch {
        return false;
      }
    },
  };
}

export type MissedCallsFeed = ReturnType<typeof openMissedCallsFeed>;

import type { CallStatusBody } from '../../shared/protocol.js';
import { errorMessage, type Exchange } from './exchange.js';
import { callEventStream, quietAt, type StreamBudget } from './notifications/call-stream.js';
import type { FollowedCalls } from './notifications/followed-calls.js';
import type { ProxyAnswer } from './proxy-message.js';
import { eventStreamAnswer, jsonAnswer, type ProxyFailure, storeUnavailable } from './responses.js';
import { claimStream } from './stream-allowance.js';

/** What following a call needs, built once per proxy. */
export interface CallFollowing {
  calls: FollowedCalls;
  streams: StreamBudget;
  heartbeatMs: number;
  maxStreamMs: number;
  afterEndMs: number;
}

/** The same answer whether the id never existed, expired, or belongs to someone else. */
const NO_SUCH_CALL: ProxyFailure = { code: 'bad_request', status: 404, message: 'No such call: it ended long ago, or this page never started it.' };

function statusUnavailable(exchange: Exchange, error: unknown): ProxyAnswer {
  return exchange.refuse(storeUnavailable('Call status is unavailable for a moment. Try again shortly.'), errorMessage(error));
}

/** `GET …/calls/<callId>`: the call's status now, for pages that reload or cannot stream. */
export async function callStatus(exchange: Exchange, callId: string, parts: CallFollowing): Promise<ProxyAnswer> {
  let status: CallStatusBody | null;
  try {
    status = await parts.calls.status(callId);
  } catch (error) {
    return statusUnavailable(exchange, error);
  }
  if (!status) return exchange.refuse(NO_SUCH_CALL);
  return exchange.finish(jsonAnswer(status, 200), 'ok');
}

/**
 * `GET …/calls/<callId>/events`: the call's status as Server-Sent Events, until it ends.
 * A browser that already has the last event (its `Last-Event-ID`) gets `204`, which tells
 * `EventSource` to stop reconnecting. Each client holds a bounded number of streams.
 */
export async function callEvents(exchange: Exchange, callId: string, clientKey: string | null, parts: CallFollowing): Promise<ProxyAnswer> {
  if (!callId) return exchange.refuse(NO_SUCH_CALL);
  const stream = claimStream(exchange, clientKey, parts.streams);
  if ('refused' in stream) return stream.refused;
  const { release } = stream;
  let listener: ((status: CallStatusBody) => void) | null = null;
  // Set by the listener if the call ends while its status is being read.
  let early = null as CallStatusBody | null;
  let watching: Awaited<ReturnType<FollowedCalls['watch']>>;
  try {
    watching = await parts.calls.watch(callId, (status) => (listener ? listener(status) : (early = status)));
  } catch (error) {
    release();
    return statusUnavailable(exchange, error);
  }
  const close = () => {
    watching.stop();
    release();
  };
  const current = early ?? watching.status;
  if (!current) {
    close();
    return exchange.refuse(NO_SUCH_CALL);
  }
  const lastEventId = Number(exchange.request.headers.get('last-event-id')) || 0;
  // Nothing new, and nothing more to come: 204 stops the browser's EventSource from reconnecting.
  if (lastEventId >= current.version && quietAt(current, watching.endedAt, parts.afterEndMs) <= Date.now()) {
    close();
    return exchange.finish({ status: 204, headers: {}, body: null }, 'ok');
  }
  const body = callEventStream(current, lastEventId, (onStatus) => (listener = onStatus), close, {
    heartbeatMs: parts.heartbeatMs,
    maxStreamMs: parts.maxStreamMs,
    afterEndMs: parts.afterEndMs,
    endedAt: watching.endedAt,
    signal: exchange.request.signal,
  });
  return exchange.finish(eventStreamAnswer(body), 'ok');
}

import { createParser } from 'eventsource-parser';
import { CALL_STATUS_EVENT, callStatusPath, isCallStatusBody, type CallStatusBody, type CallSummary } from '../shared/protocol.js';

/** How often a page that cannot stream asks for its call's status, at first and at most. */
const POLL_FIRST_MS = 5_000;
const POLL_LONGEST_MS = 60_000;
/** How long after the end a page waits for the recording and the summary: the proxy's own `callStreams.afterEndMs` by default. */
export const REPORTS_AWAITED_MS = 15 * 60_000;

interface Listeners {
  ended: (record: CallSummary) => void;
  reports?: (status: CallStatusBody) => void;
}

/** One follower per call in the page, however many controls show that call. */
const followers = new Map<string, { listeners: Set<Listeners>; stop: () => void }>();

/**
 * Calls `onEnded` when the call ends; controls that show the same call share one stream,
 * and hear the end in the order they asked. After the end, `onReports` hears each status
 * that brings the recording or the summary (the first being the end itself) until both are
 * in, or for REPORTS_AWAITED_MS. Returns a function that stops listening.
 */
export function followCall(proxyUrl: string, callId: string, onEnded: (record: CallSummary) => void, onReports?: (status: CallStatusBody) => void): () => void {
  const key = `${proxyUrl} ${callId}`;
  let follower = followers.get(key);
  if (!follower) {
    const listeners = new Set<Listeners>();
    let ended = false;
    const created = {
      listeners,
      stop: openFollower(proxyUrl, callId, (status) => {
        const first = !ended;
        ended = true;
        const heard = [...listeners];
        if (first) for (const listener of heard) listener.ended(status.record!);
        for (const listener of heard) listener.reports?.(status);
        // Done when both reports are in, or nobody waits for them.
        const done = isComplete(status) || !heard.some((listener) => listener.reports);
        if (done && followers.get(key) === created) followers.delete(key);
        return done;
      }),
    };
    followers.set(key, created);
    follower = created;
  }
  const mine = follower;
  const listener: Listeners = { ended: onEnded, reports: onReports };
  mine.listeners.add(listener);
  return () => {
    mine.listeners.delete(listener);
    if (mine.listeners.size === 0 && followers.get(key) === mine) {
      followers.delete(key);
      mine.stop();
    }
  };
}

/** Whether an ended call has both its recording and its summary: nothing more will come. */
function isComplete(status: CallStatusBody): boolean {
  return status.recording !== undefined && status.summary !== undefined;
}

/**
 * Follows one call by its id: Server-Sent Events where the browser has `EventSource` (it
 * reconnects and resumes by itself), else, or once the stream is refused, a plain GET of its
 * status, less often as time goes on. `onEnded` hears each newer ended status, and says
 * whether that is all it wants. After the end, the stream is closed and the status asked by
 * GET, less and less often, for REPORTS_AWAITED_MS at most: a stream held open per ended
 * call would use up the six connections a browser opens to a proxy over HTTP/1.1. A call
 * the proxy does not know (expired, or never given out) is simply no longer followed.
 * Returns a function that stops following.
 */
function openFollower(proxyUrl: string, callId: string, onEnded: (status: CallStatusBody) => boolean): () => void {
  const statusUrl = callStatusPath(proxyUrl, callId);
  let stopped = false;
  let source: EventSource | null = null;
  const streaming = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let afterEnd: ReturnType<typeof setTimeout> | undefined;
  /** The newest version heard, so news read twice (a stream and a GET) is taken once. */
  let heard = 0;
  let polling = false;

  const stop = () => {
    stopped = true;
    source?.close();
    source = null;
    streaming.abort();
    clearTimeout(timer);
    clearTimeout(afterEnd);
  };
  const take = (status: unknown) => {
    if (stopped || !isCallStatusBody(status) || status.callId !== callId || status.state !== 'ended' || status.version <= heard) return;
    if (heard === 0) afterEnd = setTimeout(stop, REPORTS_AWAITED_MS);
    heard = status.version;
    if (onEnded(status)) return stop();
    source?.close();
    source = null;
    streaming.abort();
    poll(POLL_FIRST_MS);
  };
  /** Asks for the status after `delayMs`, then less and less often; one such loop at a time. */
  const poll = (delayMs: number) => {
    if (polling) return;
    polling = true;
    ask(delayMs);
  };
  const ask = (delayMs: number) => {
    timer = setTimeout(async () => {
      if (stopped) return;
      try {
        const response = await fetch(statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (response.status === 404) return stop();
        if (response.ok) take(await response.json());
      } catch {
        // Offline for a moment: ask again later.
      }
      if (!stopped) ask(Math.min(Math.max(delayMs * 2, POLL_FIRST_MS), POLL_LONGEST_MS));
    }, delayMs);
  };

  /**
   * Where there is no `EventSource` (an extension's service worker), the same events read
   * from a streamed fetch; refused, cut off or ended without the call's end, it asks by GET.
   */
  const stream = async () => {
    try {
      const response = await fetch(`${statusUrl}/events`, { headers: { Accept: 'text/event-stream' }, credentials: 'same-origin', signal: streaming.signal });
      if (!response.ok || !response.body) throw new Error(`no stream (${response.status})`);
      const parser = createParser({ onEvent: (event) => event.event === CALL_STATUS_EVENT && takeData(event.data) });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (let read = await reader.read(); !read.done && !stopped; read = await reader.read()) parser.feed(read.value);
      void reader.cancel().catch(() => {});
    } catch {
      // Refused or cut off: asked by GET below.
    }
    if (!stopped) poll(0);
  };
  const takeData = (data: string) => {
    try {
      take(JSON.parse(data));
    } catch {
      // Not our proxy's event: ignore it.
    }
  };

  if (typeof EventSource === 'function') {
    source = new EventSource(`${statusUrl}/events`);
    source.addEventListener(CALL_STATUS_EVENT, (event) => takeData((event as MessageEvent<string>).data));
    source.addEventListener('error', () => {
      // While CONNECTING the browser retries by itself; CLOSED means it was refused
      // (404, a full stream budget, a proxy that cannot stream): ask by GET instead.
      if (source?.readyState === EventSource.CLOSED) {
        source = null;
        poll(0);
      }
    });
  } else if (typeof ReadableStream === 'function' && typeof TextDecoderStream === 'function') {
    void stream();
  } else {
    poll(0);
  }
  return stop;
}

import { createParser } from 'eventsource-parser';
import { CALL_STATUS_EVENT, callStatusPath, isCallStatusBody, type CallSummary } from '../shared/protocol.js';

/** How often a page that cannot stream asks for its call's status, at first and at most. */
const POLL_FIRST_MS = 5_000;
const POLL_LONGEST_MS = 60_000;

/** One follower per call in the page, however many controls show that call. */
const followers = new Map<string, { listeners: Set<(record: CallSummary) => void>; stop: () => void }>();

/**
 * Calls `onEnded` when the call ends; controls that show the same call share one stream,
 * and hear the end in the order they asked. Returns a function that stops listening.
 */
export function followCall(proxyUrl: string, callId: string, onEnded: (record: CallSummary) => void): () => void {
  const key = `${proxyUrl} ${callId}`;
  let follower = followers.get(key);
  if (!follower) {
    const listeners = new Set<(record: CallSummary) => void>();
    const created = {
      listeners,
      stop: openFollower(proxyUrl, callId, (record) => {
        followers.delete(key);
        for (const listener of [...listeners]) listener(record);
      }),
    };
    followers.set(key, created);
    follower = created;
  }
  const mine = follower;
  mine.listeners.add(onEnded);
  return () => {
    mine.listeners.delete(onEnded);
    if (mine.listeners.size === 0 && followers.get(key) === mine) {
      followers.delete(key);
      mine.stop();
    }
  };
}

/**
 * Follows one call by its id until it ends: Server-Sent Events where the browser has
 * `EventSource` (it reconnects and resumes by itself), else, or once the stream is refused,
 * a plain GET of its status, less often as time goes on. `onEnded` runs at most once; a call
 * the proxy does not know (expired, or never given out) is simply no longer followed.
 * Returns a function that stops following.
 */
function openFollower(proxyUrl: string, callId: string, onEnded: (record: CallSummary) => void): () => void {
  const statusUrl = callStatusPath(proxyUrl, callId);
  let stopped = false;
  let source: EventSource | null = null;
  const streaming = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    stopped = true;
    source?.close();
    source = null;
    streaming.abort();
    clearTimeout(timer);
  };
  const take = (status: unknown) => {
    if (stopped || !isCallStatusBody(status) || status.callId !== callId || status.state !== 'ended') return;
    stop();
    onEnded(status.record!);
  };
  const poll = (delayMs: number) => {
    timer = setTimeout(async () => {
      if (stopped) return;
      try {
        const response = await fetch(statusUrl, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (response.status === 404) return stop();
        if (response.ok) take(await response.json());
      } catch {
        // Offline for a moment: ask again later.
      }
      if (!stopped) poll(Math.min(Math.max(delayMs * 2, POLL_FIRST_MS), POLL_LONGEST_MS));
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

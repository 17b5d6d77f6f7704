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
  let timer: ReturnType<typeof setTimeout> | undefined;

  const stop = () => {
    stopped = true;
    source?.close();
    source = null;
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

  if (typeof EventSource === 'function') {
    source = new EventSource(`${statusUrl}/events`);
    source.addEventListener(CALL_STATUS_EVENT, (event) => {
      try {
        take(JSON.parse((event as MessageEvent<string>).data));
      } catch {
        // Not our proxy's event: ignore it.
      }
    });
    source.addEventListener('error', () => {
      // While CONNECTING the browser retries by itself; CLOSED means it was refused
      // (404, a full stream budget, a proxy that cannot stream): ask by GET instead.
      if (source?.readyState === EventSource.CLOSED) {
        source = null;
        poll(0);
      }
    });
  } else {
    poll(0);
  }
  return stop;
}

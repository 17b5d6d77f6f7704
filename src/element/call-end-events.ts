import type { CallSummary } from '../shared/protocol.js';
import { type CallEndedDetail, type CallEndReason, type CallStartDetail, createCallEvent } from './call-events.js';

/** A call that can be followed: placed here or in another tab, so it has Superfone's id as well as the proxy's. */
export type FollowedCall = CallStartDetail & { notificationId: number; callId: string };

/** A call whose record arrived: its numbers and ids, the record, and the reason it gives for the call's end. */
export interface RecordReport {
  call: FollowedCall;
  record: CallSummary;
  reason: CallEndReason;
}

/**
 * The page's events for how a call ended, in the one order the README promises:
 * `superfone-call-ended`, then `superfone-call-completed`, each once per call and page,
 * whichever control hears of it and however the call ends. `…-completed` is dispatched with
 * call following (call-outcome.ts), loaded only once a call can be followed.
 */
const endedCalls = new Set<string>();

/** Dispatches `superfone-call-ended` from `host`, unless the page already heard it for this call. */
export function dispatchEnded(host: EventTarget, callId: string | null, detail: CallEndedDetail): void {
  if (callId !== null) {
    if (endedCalls.has(callId)) return;
    endedCalls.add(callId);
  }
  host.dispatchEvent(createCallEvent('superfone-call-ended', detail));
}

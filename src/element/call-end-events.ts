import type { CallSummary } from '../shared/protocol.js';
import { createCallEvent, type CallEndedDetail, type CallEndReason, type CallStartDetail } from './call-events.js';

/** A call whose record arrived: its numbers and ids, the record, and the reason it gives for the call's end. */
export interface RecordReport {
  call: CallStartDetail & { notificationId: number | null; callId: string };
  record: CallSummary;
  reason: CallEndReason;
}

/**
 * The page's events for how a call ended, in the one order the README promises:
 * `superfone-call-ended`, then `superfone-call-completed`, each once per call and page,
 * whichever control hears of it and however the call ends.
 */
const endedCalls = new Set<string>();
const reportedCalls = new Set<string>();

/** Dispatches `superfone-call-ended` from `host`, unless the page already heard it for this call. */
export function dispatchEnded(host: EventTarget, callId: string | null, detail: CallEndedDetail): void {
  if (callId !== null) {
    if (endedCalls.has(callId)) return;
    endedCalls.add(callId);
  }
  host.dispatchEvent(createCallEvent('superfone-call-ended', detail));
}

/** Whether this is the first control on the page to hear the call's record (a number shown twice has two). */
export function firstToHear(callId: string): boolean {
  if (reportedCalls.has(callId)) return false;
  reportedCalls.add(callId);
  return true;
}

/** `superfone-call-completed` from `host`, after the page's `superfone-call-ended` for the call (dispatched first if it was not yet). */
export function dispatchCompleted(host: EventTarget, { call, record, reason }: RecordReport): void {
  const ids = { customerNumber: call.customerNumber, agentNumber: call.agentNumber, notificationId: call.notificationId ?? 0 };
  dispatchEnded(host, call.callId, { ...ids, reason });
  host.dispatchEvent(createCallEvent('superfone-call-completed', { ...ids, callId: call.callId, record }));
}

import type { CallSummary } from '../../shared/protocol.js';
import { dispatchEnded, type RecordReport } from '../call-end-events.js';
import { createCallEvent } from '../call-events.js';
import { reportsMayFollow } from '../call-reports.js';
import type { CallButtonMessages } from '../messages.js';

// Following the call, and the recording and the summary after its record, load with the
// words for its outcome: a control asks for one chunk once a call can be followed.
export { followCall } from '../../client/call-follower.js';
export { dispatchReports } from '../call-reports.js';

/** Calls whose record this page has already announced with `superfone-call-completed`. */
const reportedCalls = new Set<string>();

/** `4 min 12 sec`, `4 मि॰ 12 से॰`: minutes and seconds as the language writes them, by `Intl`. */
export function spokenDuration(seconds: number, locale: string): string {
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  const amount = (value: number, unit: 'minute' | 'second') => new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
  const parts: string[] = [];
  if (minutes > 0) parts.push(amount(minutes, 'minute'));
  if (rest > 0 || minutes === 0) parts.push(amount(rest, 'second'));
  return new Intl.ListFormat(locale, { type: 'unit', style: 'narrow' }).format(parts);
}

/** What happened to the call, in words an agent can use: shown beside the control and announced. */
export function outcomeText(record: CallSummary, words: CallButtonMessages, locale: string): string {
  switch (record.status) {
    case 'missed':
      return words.noAnswer;
    case 'busy':
      return words.customerBusy;
    case 'failed':
      return words.callFailed;
    default:
      return record.durationSec !== null && record.durationSec > 0 ? words.callEndedAfter(spokenDuration(record.durationSec, locale)) : words.callEnded;
  }
}

/** The reason `superfone-call-ended` gives when Superfone's record ends the call. */
export function endReasonFor(record: CallSummary): 'completed' | 'missed' {
  return record.status === 'answered' || record.status === 'unknown' ? 'completed' : 'missed';
}

/** Whether this is the first control on the page to hear the call's record (a number shown twice has two). */
export function firstToHear(callId: string): boolean {
  if (reportedCalls.has(callId)) return false;
  reportedCalls.add(callId);
  return true;
}

/** `superfone-call-completed` from `host`, after the page's `superfone-call-ended` for the call (dispatched first if it was not yet), and before its recording and summary. */
export function dispatchCompleted(host: EventTarget, { call, record, reason }: RecordReport): void {
  const ids = { customerNumber: call.customerNumber, agentNumber: call.agentNumber, notificationId: call.notificationId };
  dispatchEnded(host, call.callId, { ...ids, reason });
  host.dispatchEvent(createCallEvent('superfone-call-completed', { ...ids, callId: call.callId, record }));
  reportsMayFollow(call.callId);
}

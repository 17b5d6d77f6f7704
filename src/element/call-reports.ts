import type { CallStatusBody } from '../shared/protocol.js';
import { createCallEvent } from './call-events.js';

/** Reports this page has already told, as `<kind> <callId>`: each is dispatched once per page, however many controls show the call. */
const toldReports = new Set<string>();
/** Calls whose `superfone-call-completed` the page has heard; reports of others wait for it. */
const completedCalls = new Set<string>();
const waiting = new Map<string, Array<() => void>>();

/** The page heard `superfone-call-completed` for this call: its reports may follow, those that came first now. */
export function reportsMayFollow(callId: string): void {
  completedCalls.add(callId);
  const queued = waiting.get(callId) ?? [];
  waiting.delete(callId);
  for (const dispatch of queued) dispatch();
}

/**
 * `superfone-call-recording` and `superfone-call-summary` for what a call's status brings
 * that the page has not heard yet, always after the call's `superfone-call-completed`.
 * Dispatched from the control that followed the call, or from `document` when that control
 * has left the page (a re-rendered row), so a listener on `document` hears them either way.
 */
export function dispatchReports(host: Element, status: CallStatusBody): void {
  if (!completedCalls.has(status.callId)) {
    waiting.set(status.callId, [...(waiting.get(status.callId) ?? []), () => dispatchReports(host, status)]);
    return;
  }
  const target: EventTarget = host.isConnected ? host : host.ownerDocument;
  const { callId, record, recording, summary } = status;
  const numbers = { customerNumber: record?.customerNumber ?? null, agentNumber: record?.agentNumber ?? null };
  if (recording && firstTime('recording', callId)) {
    target.dispatchEvent(createCallEvent('superfone-call-recording', { callId, ...numbers, recordingUrl: recording.url, expiresAt: recording.expiresAt }));
  }
  if (summary && firstTime('summary', callId)) {
    target.dispatchEvent(createCallEvent('superfone-call-summary', { callId, ...numbers, summary: summary.text, transcript: summary.transcript }));
  }
}

function firstTime(kind: 'recording' | 'summary', callId: string): boolean {
  const key = `${kind} ${callId}`;
  if (toldReports.has(key)) return false;
  toldReports.add(key);
  return true;
}

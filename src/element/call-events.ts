import type { CallAction, CallSummary, ErrorCode } from '../shared/protocol.js';

/** Detail of `superfone-call-start`, dispatched before a START is sent. */
export interface CallStartDetail {
  /** The customer's number, E.164. */
  customerNumber: string;
  /** The agent's number, E.164, or `null` when the server binds the agent. */
  agentNumber: string | null;
}

/** Detail of `superfone-call-started`. */
export interface CallDetail extends CallStartDetail {
  /** Superfone's identifier of the notification sent to the agent's app. */
  notificationId: number;
}

/**
 * How a call ended: the agent's click, the `max-duration` limit or the page calling
 * `end()`; or, from Superfone's record, the call was over on the phone (`completed`) or
 * never answered (`missed`: no answer, busy, or failed).
 */
export type CallEndReason = 'user' | 'max-duration' | 'program' | 'completed' | 'missed';

/** Detail of `superfone-call-ended`. */
export interface CallEndedDetail extends CallDetail {
  reason: CallEndReason;
  /** When an END from this page ended it: Superfone's id for that END's notification. `notificationId` stays the START's. */
  endNotificationId?: number;
}

/** Detail of `superfone-call-started`. */
export interface CallStartedDetail extends CallDetail {
  /** The proxy's id for the call, as on its `…-completed`, `…-recording` and `…-summary`; `null` where calls are not followed (no `webhookSecret`). */
  callId: string | null;
}

/**
 * Detail of `superfone-call-completed`: Superfone's record of a call this control started,
 * however it ended (also after the agent clicked End), for the CRM to log.
 */
export interface CallCompletedDetail extends CallDetail {
  /** The proxy's id for the call. */
  callId: string;
  /** Status, duration, times, recording link; numbers in E.164. */
  record: CallSummary;
}

/** Numbers and id shared by the reports that come after a call's record. */
interface CallReportDetail {
  /** The proxy's id for the call, as in `superfone-call-completed`. */
  callId: string;
  /** E.164, from the call's record; `null` when Superfone left it out. */
  customerNumber: string | null;
  agentNumber: string | null;
}

/** Detail of `superfone-call-recording`: Superfone uploaded the call's recording. */
export interface CallRecordingDetail extends CallReportDetail {
  /** A link to the recording: http(s) only, and it may expire. */
  recordingUrl: string;
  /** When the link stops working, ISO 8601, where the link says; else `null`. */
  expiresAt: string | null;
}

/** Detail of `superfone-call-summary`: Superfone's AI summary or transcript of the call is ready. */
export interface CallSummaryDetail extends CallReportDetail {
  summary: string | null;
  transcript: string | null;
}

/** Detail of `superfone-missed-call`: a customer called the agent and was not answered, while the page was open. */
export interface MissedCallDetail {
  /** E.164. */
  customerNumber: string;
  /** When they called, ISO 8601. */
  at: string;
  /** The caller's name as the business's contacts have it, if Superfone's delivery gives one. */
  contactName: string | null;
}

/** Detail of `superfone-call-error`. */
export interface CallErrorDetail {
  action: CallAction;
  code: ErrorCode;
  /** Readable by the agent: what happened and what to do. */
  message: string;
  /** The proxy's HTTP status, or `0` when it could not be reached. */
  status: number;
  /** `token_unavailable`: why the page's `getToken` gave no token, for its developer (never shown to the agent). */
  reason?: string;
}

export interface SuperfoneCallEventMap {
  'superfone-call-start': CustomEvent<CallStartDetail>;
  'superfone-call-started': CustomEvent<CallStartedDetail>;
  'superfone-call-ended': CustomEvent<CallEndedDetail>;
  'superfone-call-completed': CustomEvent<CallCompletedDetail>;
  'superfone-call-recording': CustomEvent<CallRecordingDetail>;
  'superfone-call-summary': CustomEvent<CallSummaryDetail>;
  'superfone-call-error': CustomEvent<CallErrorDetail>;
  'superfone-missed-call': CustomEvent<MissedCallDetail>;
}

export type SuperfoneCallEventName = keyof SuperfoneCallEventMap;

type DetailOf<Name extends SuperfoneCallEventName> = SuperfoneCallEventMap[Name] extends CustomEvent<infer Detail> ? Detail : never;

/** Builds a call event that bubbles out of shadow roots, so a page can listen once on `document`. */
export function createCallEvent<Name extends SuperfoneCallEventName>(name: Name, detail: DetailOf<Name>, options: { cancelable?: boolean } = {}): SuperfoneCallEventMap[Name] {
  return new CustomEvent(name, {
    detail,
    bubbles: true,
    composed: true,
    cancelable: options.cancelable ?? false,
  }) as SuperfoneCallEventMap[Name];
}

declare global {
  // Merged into the DOM's own map, so addEventListener types our events: it adds no members of its own.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface GlobalEventHandlersEventMap extends SuperfoneCallEventMap {}
}

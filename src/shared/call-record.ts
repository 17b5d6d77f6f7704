/**
 * A completed call as Superfone reports it through its event notifications, in one shape
 * for the integrator's server (and, later, the page). Read by one mapping module on the
 * server; see `src/server/core/notifications/call-record-mapping.ts` for what is assumed.
 */
export const CALL_STATUSES = ['answered', 'missed', 'busy', 'failed', 'unknown'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

export interface CallRecord {
  /** Superfone's id for the call's record, when the payload carries one. */
  cdrId: string | null;
  /** E.164, whatever format arrived; `null` when absent or not a phone number. */
  customerNumber: string | null;
  /** The team member's number, E.164; `null` when the payload has none. */
  agentNumber: string | null;
  status: CallStatus;
  durationSec: number | null;
  /** ISO 8601 UTC instants. */
  startedAt: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  /** Reported to be a pre-signed link that expires. */
  recordingUrl: string | null;
  direction: 'outbound' | 'inbound' | null;
  /** The notification's event name (`ALL_CALLS`, `MISSED_CALL`). */
  event: string;
  /** The payload as it arrived. */
  raw: Record<string, unknown>;
}

/** What every later report about a call says of which call it is. */
interface CallUpdateBase {
  cdrId: string | null;
  customerNumber: string | null;
  agentNumber: string | null;
  /** When the call started, ISO 8601 UTC, when the payload says. */
  startedAt: string | null;
  event: string;
  raw: Record<string, unknown>;
}

/** `CDR_RECORDING_AVAILABLE`: the call's recording is uploaded. */
export interface RecordingUpdate extends CallUpdateBase {
  kind: 'recording';
  /** An http(s) link, reported to be pre-signed and to expire. */
  recordingUrl: string;
  /** When the link stops working, ISO 8601 UTC, where the link itself says (S3's and Google Cloud Storage's pre-signed links do); else `null`. */
  recordingExpiresAt: string | null;
}

/** `CDR_SUMMARY_READY`: the AI summary, or the transcript, of the call's recording is ready. */
export interface SummaryUpdate extends CallUpdateBase {
  kind: 'summary';
  summary: string | null;
  transcript: string | null;
}

/** What Superfone reports about a call after its record. */
export type CallUpdate = RecordingUpdate | SummaryUpdate;

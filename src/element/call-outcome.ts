import type { CallSummary } from '../shared/protocol.js';

/** `4 min 12 s`, `7 s`: read the same by eye and by a screen reader. */
export function spokenDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  if (minutes === 0) return `${rest} s`;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

/** What happened to the call, in words an agent can use: shown beside the control and announced. */
export function outcomeText(record: CallSummary): string {
  switch (record.status) {
    case 'missed':
      return 'No answer';
    case 'busy':
      return 'Customer busy';
    case 'failed':
      return 'Call failed';
    default:
      return record.durationSec !== null && record.durationSec > 0 ? `Call ended · ${spokenDuration(record.durationSec)}` : 'Call ended';
  }
}

/** The reason `superfone-call-ended` gives when Superfone's record ends the call. */
export function endReasonFor(record: CallSummary): 'completed' | 'missed' {
  return record.status === 'answered' || record.status === 'unknown' ? 'completed' : 'missed';
}

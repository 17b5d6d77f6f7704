import type { ReactiveController } from 'lit';

import type { CallSummary } from '../shared/protocol.js';
import type { FollowedCall } from './call-end-events.js';
import type { CallSessionHost, KnownCall } from './call-session-host.js';

/** Following a call and wording its outcome: loaded only once a call can be followed. */
export type CallOutcomeChunk = typeof import('./view/call-outcome.js');

let outcomeChunk: Promise<CallOutcomeChunk> | undefined;
export function loadCallOutcome(): Promise<CallOutcomeChunk> {
  outcomeChunk ??= import('./view/call-outcome.js');
  return outcomeChunk;
}

/** After the call ended here (End, or another tab), its record is still awaited this long, for `superfone-call-completed`. */
const RECORD_AWAITED_MS = 2 * 60 * 1000;

/** The call being followed, and how to stop. */
interface Followed {
  call: KnownCall & FollowedCall;
  stop: () => void;
  /** Set once the call is over here: then the record is awaited only for a while. */
  giveUp?: ReturnType<typeof setTimeout>;
}

/** What a followed call's record is handed to, with the chunk that words it. */
export type RecordListener = (call: KnownCall & FollowedCall, record: CallSummary, outcome: CallOutcomeChunk) => void;

/**
 * Waits for Superfone's record of a control's call (one stream per call in the page,
 * ../client/call-follower.ts), and passes on the recording and the summary that follow it
 * as page events. One call at a time; comes with the calling chunk.
 */
export class CallFollowing implements ReactiveController {
  readonly #host: CallSessionHost;
  readonly #onRecord: RecordListener;
  #followed: Followed | null = null;

  constructor(host: CallSessionHost, onRecord: RecordListener) {
    this.#host = host;
    this.#onRecord = onRecord;
    host.addController(this);
  }

  /** Follows the call, where the proxy gave an id to follow it by; the same call twice is one. */
  follow(call: KnownCall): void {
    const { callId, notificationId } = call;
    if (!callId || notificationId === null || this.#followed?.call.callId === callId) return;
    this.stop();
    const followed: Followed = { call: { ...call, callId, notificationId }, stop: () => {} };
    this.#followed = followed;
    // Loaded with the first followable call, in the order asked: the placing control subscribes before those that adopt it.
    void loadCallOutcome().then((outcome) => {
      if (this.#followed !== followed) return;
      followed.stop = outcome.followCall(
        call.proxyUrl,
        callId,
        (record) => {
          if (this.#followed === followed) this.#followed = null;
          clearTimeout(followed.giveUp);
          this.#onRecord(followed.call, record, outcome);
        },
        (status) => outcome.dispatchReports(this.#host, status),
      );
    });
  }

  /** The call is over here: its record is still welcome for a while, then no longer awaited. */
  overHere(): void {
    const followed = this.#followed;
    if (!followed || followed.giveUp !== undefined) return;
    followed.giveUp = setTimeout(() => {
      if (this.#followed === followed) this.stop();
    }, RECORD_AWAITED_MS);
  }

  stop(): void {
    if (!this.#followed) return;
    clearTimeout(this.#followed.giveUp);
    this.#followed.stop();
    this.#followed = null;
  }

  hostDisconnected(): void {
    this.stop();
  }
}

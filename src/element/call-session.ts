import type { ReactiveController } from 'lit';

import type { CallFailure, CallReply } from '../client/call-client.js';
import { callInTheWay } from '../client/one-call-per-agent.js';
import type { CallAction, CallRequestBody, CallSummary, ErrorCode } from '../shared/protocol.js';
import type { ActiveCall, ActiveCalls } from './active-calls.js';
import { dispatchEnded, type FollowedCall, type RecordReport } from './call-end-events.js';
import { type CallEndReason, createCallEvent } from './call-events.js';
import type { CallFollowing, CallOutcomeChunk } from './call-following.js';
import type { CallSessionHost, ControlInternals, KnownCall } from './call-session-host.js';
import type { CallTimeLimit } from './call-time-limit.js';
import { callingChunk, displayNumber, loadCallingChunk } from './calling-chunk-loader.js';
import type { CallButtonMessages } from './messages.js';
import type { Readiness } from './number-check.js';
import type { CallState } from './view/call-view.js';

export type { CallSessionHost, ControlInternals, KnownCall } from './call-session-host.js';

/** The agent's call as the page knows it, shared with other tabs: it comes with the calling chunk, after a control's numbers are checked. */
function calls(): ActiveCalls {
  return callingChunk()!.activeCalls();
}

function agentKeyFor(agentNumber: string | null, proxyUrl: string): string {
  return callingChunk()!.agentKeyFor(agentNumber, proxyUrl);
}

/** Calls an END is on its way for, by id, and the control that sent it: it reports the call's record once answered. */
const endsInFlight = new Map<string, CallSession>();

/** After these START failures the call may exist after all, so End stays on offer. */
const MAY_HAVE_BEEN_PLACED: ReadonlySet<ErrorCode> = new Set(['upstream_timeout', 'network_error']);

/**
 * One control's call requests: START and END, the one in flight, and the state and words
 * they lead to, kept in line with the agent's call as other controls and tabs see it.
 * Following the call to its record (./call-following.ts) and its time limit
 * (./call-time-limit.ts) are controllers of their own, made with the first call. The element
 * renders what the session says and routes clicks to it; every change asks it to render again.
 */
export class CallSession<Host extends CallSessionHost = CallSessionHost> implements ReactiveController {
  state: CallState = 'idle';
  /** The agent's call with another customer, when there is one. */
  busyWith: ActiveCall | null = null;
  /** The action that failed, so "Try again" repeats it. */
  failedAction: CallAction = 'START';
  /** The failure shown, worded when shown: the page may change language meanwhile. */
  #failure: CallFailure | null = null;
  /** The last call's record, with what words it. */
  #outcome: { record: CallSummary; word: (record: CallSummary, words: CallButtonMessages, locale: string) => string } | null = null;

  readonly #host: Host;
  readonly #internals: ControlInternals<Host>;
  /** The request in flight; there is at most one per control. */
  #controller: AbortController | null = null;
  /** The call that exists, or may exist, so END reaches the same call. */
  #call: KnownCall | null = null;
  /** A click is waiting for number handling to load; another click adds nothing. */
  #waitingForNumbers = false;
  #following: CallFollowing | undefined;
  #timeLimit: CallTimeLimit | undefined;
  /** The record of the call being ended, when it came before the END's answer: reported after it. */
  #recordDuringEnd: RecordReport | null = null;
  readonly #onActiveCallsChange = () => this.sync();
  #unwatch: (() => void) | null = null;

  constructor(host: Host, internals: ControlInternals<Host>) {
    this.#host = host;
    this.#internals = internals;
    host.addController(this);
  }

  #readiness(): Readiness | null {
    return this.#internals.readiness(this.#host);
  }

  /** The control's words, in its language. */
  get #words(): CallButtonMessages {
    return this.#internals.words(this.#host);
  }

  get #language(): string {
    return this.#internals.language(this.#host);
  }

  /** Made with the first call this control knows of: the calling chunk has loaded by then. */
  get #follower(): CallFollowing {
    return (this.#following ??= new (callingChunk()!.CallFollowing)(this.#host, (call, record, outcome) => this.#recordArrived(call, record, outcome)));
  }

  get #limit(): CallTimeLimit {
    return (this.#timeLimit ??= new (callingChunk()!.CallTimeLimit)(this.#host, async () => {
      if (this.#call) await this.end('max-duration');
    }));
  }

  /** What the failure shown says to the agent: what happened and what to do. */
  get errorMessage(): string {
    const failure = this.#failure;
    if (!failure) return '';
    // A failure comes after a request, so number handling, which words it, has loaded.
    return callingChunk()!.failureWords(failure, this.#words, this.#language);
  }

  /** What happened to the last call, from Superfone's record ("Call ended · 4 min 12 sec"); shown while idle. */
  get outcome(): string {
    return this.#outcome ? this.#outcome.word(this.#outcome.record, this.#words, this.#language) : '';
  }

  /** The call this control knows of, started here or adopted from another tab. */
  get call(): KnownCall | null {
    return this.#call;
  }

  hostConnected(): void {
    // Moved in the page (a re-sorted table): catch up on calls, and re-arm the time limit.
    if (this.#host.hasUpdated) {
      this.sync();
      if (this.state === 'active' && this.#call) {
        this.#limit.arm(this.#call);
        this.#follower.follow(this.#call);
      }
    }
  }

  hostDisconnected(): void {
    this.#unwatch?.();
    this.#unwatch = null;
    // A request nobody can see the answer to is not worth keeping open. (Following and the
    // time limit stop themselves.)
    this.#controller?.abort();
  }

  /** True while a call this control started exists for sure: then only End makes sense. */
  callCertain(): boolean {
    return this.state === 'active' || (this.state === 'error' && this.failedAction === 'END');
  }

  async start(): Promise<void> {
    // A click before number handling has loaded waits for it, then goes on as any other.
    if (this.#readiness() === null) {
      if (this.#waitingForNumbers) return;
      this.#waitingForNumbers = true;
      try {
        await this.#internals.checkNumbers(this.#host);
      } finally {
        this.#waitingForNumbers = false;
      }
    }
    const readiness = this.#readiness();
    if (this.#controller || this.#host.disabled || this.busyWith || this.callCertain() || !readiness?.ok) return;
    const { call, display } = readiness;
    const proxyUrl = this.#host.proxyUrl;
    const controller = new AbortController();
    this.#controller = controller;
    const allowed = this.#host.dispatchEvent(createCallEvent('superfone-call-start', call, { cancelable: true }));
    if (!allowed) {
      this.#controller = null;
      return;
    }
    this.#outcome = null;
    this.#enter('starting', this.#words.callingNumber(display));
    const reply = await this.#send('START', { ...call, proxyUrl, notificationId: null, callId: null }, controller);
    if (!reply) return this.#enter('idle', '');
    if (reply.ok) {
      const startedAt = Date.now();
      const maxDuration = this.#host.maxDuration;
      this.#call = { ...call, proxyUrl, notificationId: reply.notificationId, callId: reply.callId };
      // Before other controls adopt the call: the control that started it hears its end first.
      this.#follower.follow(this.#call);
      calls().set({
        agentKey: agentKeyFor(call.agentNumber, proxyUrl),
        ...this.#call,
        notificationId: reply.notificationId,
        startedAt,
        endsAt: maxDuration === null ? null : startedAt + maxDuration * 1000,
      });
      this.#becomeActive(this.#words.appIsCalling(display));
      this.#host.dispatchEvent(createCallEvent('superfone-call-started', { ...call, notificationId: reply.notificationId, callId: reply.callId }));
    } else {
      // Busy may be this control's own call from an earlier START whose fate is unknown: keep End on offer.
      if (MAY_HAVE_BEEN_PLACED.has(reply.code)) this.#call = { ...call, proxyUrl, notificationId: null, callId: null };
      else if (reply.code !== 'agent_busy') this.#call = null;
      this.#fail('START', reply);
    }
    // Changes to the agent's call while the START was in flight were not applied: catch up now.
    this.sync();
  }

  async end(reason: CallEndReason, call: KnownCall | null = this.#call): Promise<void> {
    if (this.#controller || !call) return;
    const controller = new AbortController();
    this.#controller = controller;
    this.#call = call;
    const stateBefore = this.state;
    this.#outcome = null;
    this.#enter('ending', this.#words.endingTheCall);
    if (call.callId) endsInFlight.set(call.callId, this);
    const reply = await this.#send('END', call, controller);
    if (call.callId && endsInFlight.get(call.callId) === this) endsInFlight.delete(call.callId);
    const arrived = this.#recordDuringEnd;
    this.#recordDuringEnd = null;
    if (!reply) return this.#enter(stateBefore, '');
    if (reply.ok) {
      // The record is still to come: it tells how long the call lasted.
      this.#overHere();
      const shared = calls().get(agentKeyFor(call.agentNumber, call.proxyUrl));
      if (shared) calls().clear(shared.agentKey, shared.notificationId);
      // The record may have come first: then it says how the call went.
      const words = this.#words;
      this.#enter('idle', this.outcome || (reason === 'max-duration' ? words.timeLimitReached : words.callEnded));
      const { customerNumber, agentNumber } = call;
      // One id per call on every event of it: the START's. The END's own is apart.
      dispatchEnded(this.#host, call.callId, { customerNumber, agentNumber, notificationId: call.notificationId ?? 0, endNotificationId: reply.notificationId, reason });
    } else if (arrived) {
      // Superfone reported the call over while the END failed: it is over all the same.
      this.#overHere();
      this.#enter('idle', this.outcome);
    } else {
      this.#fail('END', reply);
    }
    // A record arrived, so following (which reports it) has loaded.
    if (arrived) (await callingChunk()!.loadCallOutcome()).dispatchCompleted(this.#host, arrived);
    // Changes to the agent's call while the END was in flight were not applied: catch up now.
    this.sync();
  }

  /** Ends the agent's call with another customer, from this control. */
  endBusyCall(): void {
    const other = this.busyWith;
    if (other) void this.end('user', { ...other });
  }

  /** The main control was used: End while a call is certain, else Call (or Try again). */
  primaryAction(): void {
    if (this.callCertain()) void this.end('user');
    else if (this.state === 'idle' || this.state === 'error') void this.start();
  }

  /**
   * Brings this control in line with the agent's known call: End where this customer is on
   * the call (after a reload too), busy where another customer is, idle once it has ended.
   */
  sync(): void {
    const readiness = this.#readiness();
    if (!this.#host.isConnected || !readiness?.ok) return;
    // From its numbers' first check on, the control hears of the agent's call changing, here or in another tab.
    this.#unwatch ??= calls().watch(this.#onActiveCallsChange);
    if (this.#controller) return;
    const { call: current, display } = readiness;
    // The call this control started (or adopted) is followed even after the page rewrote
    // its number: End must still reach that call, not the number now in the attribute.
    const followed = this.#call ?? { ...current, proxyUrl: this.#host.proxyUrl };
    const shared = calls().get(agentKeyFor(followed.agentNumber, followed.proxyUrl)) ?? null;
    this.busyWith = callInTheWay(shared, followed.customerNumber);
    const ours = shared !== null && this.busyWith === null;
    // A failed END leaves the call on: the control stays in error, saying so, with End on offer.
    if (ours && !this.callCertain()) {
      const { customerNumber, agentNumber } = followed;
      this.#call = { customerNumber, agentNumber, proxyUrl: shared.proxyUrl, notificationId: shared.notificationId, callId: shared.callId ?? null };
      this.#becomeActive(this.#words.onCallWith(customerNumber === current.customerNumber ? display : displayNumber(customerNumber)));
      // After a reload, or in another tab: the call is followed from here too.
      this.#follower.follow(this.#call);
    } else if (!ours && this.callCertain()) {
      // Ended elsewhere: another control, another tab, the time limit, or Superfone's record in another tab.
      this.#overHere();
      this.#enter('idle', this.#words.callEnded);
    }
    this.#host.requestUpdate();
  }

  /** The call is over for this control: no call, no time limit, and its record still welcome for a while. */
  #overHere(): void {
    this.#call = null;
    this.#timeLimit?.clear();
    this.#following?.overHere();
  }

  /**
   * Superfone reported the call: it is over on the phone. An active control goes back to
   * idle and says how it went; every tab's record of the agent's call clears; the CRM gets
   * the record, also when the agent had already clicked End.
   */
  #recordArrived(call: KnownCall & FollowedCall, record: CallSummary, { outcomeText, endReasonFor, firstToHear, dispatchCompleted }: CallOutcomeChunk): void {
    const { agentNumber, notificationId } = call;
    const stillOn = this.#call?.callId === call.callId && this.callCertain();
    if (stillOn) {
      this.#call = null;
      this.#timeLimit?.clear();
    }
    // Clearing tells every control, this one included; it leaves a record that is another call's alone.
    calls().clear(agentKeyFor(agentNumber, call.proxyUrl), notificationId);
    // A request in flight has the last word on the state: an END in flight says these words
    // once answered (its control is the ender below, told by whichever control hears first).
    if (stillOn || (this.state === 'idle' && !this.#controller)) {
      this.#outcome = { record, word: outcomeText };
      this.#enter('idle', this.outcome);
    }
    // Several controls may show one call (a number twice on the page): the page hears of its end once.
    if (!firstToHear(call.callId)) return;
    const report = { call, record, reason: endReasonFor(record) };
    // An END in flight, from this control or another, says the call ended first; its answer reports the record after that.
    const ender = endsInFlight.get(call.callId);
    if (ender) {
      ender.#recordDuringEnd = report;
      ender.#outcome = { record, word: outcomeText };
    } else dispatchCompleted(this.#host, report);
  }

  /** Sends one request; `undefined` when it was aborted because the control left the page. */
  async #send(action: CallAction, call: KnownCall, controller: AbortController): Promise<CallReply | undefined> {
    const body: CallRequestBody = { customer_number: call.customerNumber, call_action: action };
    if (call.agentNumber) body.user_number = call.agentNumber;
    try {
      const { sendCallRequest } = await loadCallingChunk();
      return await sendCallRequest(call.proxyUrl, body, controller.signal, this.#host.getToken);
    } catch {
      return undefined;
    } finally {
      if (this.#controller === controller) this.#controller = null;
    }
  }

  #fail(action: CallAction, failure: CallFailure): void {
    this.failedAction = action;
    this.#failure = failure;
    const message = this.errorMessage;
    this.#enter('error', message);
    const reason = failure.detail?.reason;
    this.#host.dispatchEvent(createCallEvent('superfone-call-error', { action, code: failure.code, message, status: failure.status, ...(reason ? { reason } : {}) }));
  }

  #enter(next: CallState, announcement: string): void {
    this.state = next;
    if (next !== 'error') this.#failure = null;
    // Every announcement follows numbers checked or a request sent: number handling, which says it, has loaded.
    if (announcement) callingChunk()!.announce(announcement, this.#language, this.#host);
    this.#host.requestUpdate();
  }

  #becomeActive(announcement: string): void {
    this.#enter('active', announcement);
    if (this.#call) this.#limit.arm(this.#call);
  }
}

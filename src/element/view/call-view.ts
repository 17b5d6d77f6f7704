import type { CallAction } from '../../shared/protocol.js';
import type { CallButtonMessages } from '../messages/catalogue.js';
import type { Readiness } from '../number-check.js';

/** What the view reads of the control itself: the element's own properties. */
/** Where a control's call is: none, being placed, on, being ended, or failed. */
export type CallState = 'idle' | 'starting' | 'active' | 'ending' | 'error';

export interface ControlProperties {
  inline: boolean;
  disabled: boolean;
  /** The customer's number as the page wrote it in `customer-number`. */
  customerNumber: string;
  /** Inline: the number as the page shows it. */
  textContent: string | null;
  /** The page's own name for the control (the host's `aria-label`): the Call control takes it. */
  ariaLabel: string | null;
}

/** What the view reads of a control's call: its `CallSession`. */
export interface SessionSnapshot {
  state: CallState;
  /** The call this control placed, or may have placed. */
  call: { customerNumber: string } | null;
  /** The agent's call with another customer, when there is one. */
  busyWith: { customerNumber: string } | null;
  failedAction: CallAction;
  /** Read only in the error state. */
  errorMessage: string;
  /** How the last call went, in words, or ''; read only when idle. */
  outcome: string;
}

/** The words a control has before its language's catalogue has loaded: an idle English control's first words. */
export type FirstWords = Pick<CallButtonMessages, 'call' | 'callNumber'>;

/** What the control shows and says. */
export interface ControlView {
  /** The main control's look: Call, End call, or waiting. */
  kind: 'start' | 'end' | 'busy';
  /** Its visible label. */
  label: string;
  /** Its accessible name: the action and whom it is for. */
  name: string;
  /** Whether it is there but cannot act now (said with `aria-disabled`, so it stays focusable). */
  unavailable: boolean;
  /** The visible message (an error, the agent's other call, why the number is unusable, how the call went), or ''. */
  message: string;
  /** Whether that message is an error. */
  error: boolean;
  /** A second button, to end a call: the one a failed START may have placed, or the agent's call with someone else. */
  second: { label: string; ends: 'this-call' | 'busy-call' } | null;
  /** What is said after a page's own slotted link, which keeps its name ('' for none). */
  linkState: string;
}

const isFull = (words: CallButtonMessages | FirstWords): words is CallButtonMessages => 'endCall' in words;

/**
 * A control's view from what it knows, and nothing else (no DOM, no clock, nothing loaded):
 * the control, its call, its numbers as last checked (`null` before number handling has
 * loaded), its words, and `+918000000001` as people read it. Arguments, not one object: a
 * table of a thousand controls renders with no object made for this, and the page loads
 * no property names for it.
 */
export function viewOf(
  control: ControlProperties,
  session: SessionSnapshot,
  readiness: Readiness | null,
  words: CallButtonMessages | FirstWords,
  displayNumber: (e164: string) => string,
): ControlView {
  const { state, busyWith } = session;
  const callCustomer = session.call?.customerNumber;
  // Before the numbers are checked, the control is this customer's as the page wrote the number.
  const sameCustomer = readiness === null || (readiness.ok && (!callCustomer || callCustomer === readiness.call.customerNumber));
  // Inline, the name repeats the number as the page shows it, so what is seen is what is heard.
  const shown = control.inline && sameCustomer ? control.textContent?.trim() : '';
  const checked = readiness?.ok ? readiness.display : control.customerNumber.trim();
  const customer = shown || (sameCustomer ? checked : displayNumber(callCustomer ?? ''));
  const invalid = readiness?.ok === false;
  let kind: ControlView['kind'] = 'start';
  let label = words.call;
  let name = invalid || !customer ? words.call : words.callNumber(customer);
  let message = '';
  let second: ControlView['second'] = null;
  if (isFull(words)) {
    // Idle needs only the first words; every other state has its language's.
    if (state === 'starting' || state === 'ending') {
      kind = 'busy';
      label = state === 'starting' ? words.calling : words.ending;
      name = state === 'starting' ? words.callingNumber(customer) : words.endingCallWith(customer);
    } else if (state === 'active' || (state === 'error' && session.failedAction === 'END')) {
      kind = 'end';
      label = words.endCall;
      name = words.endCallWith(customer);
    } else if (state === 'error') {
      label = words.tryAgain;
      name = words.tryAgainCall(customer);
    }
    if (state === 'error') message = session.errorMessage;
    else if (readiness?.ok === false) message = readiness.problem.kind === 'noCustomerNumber' ? words.noCustomerNumber : words[readiness.problem.kind](readiness.problem.written);
    else if (busyWith && state === 'idle') message = words.busyWith(displayNumber(busyWith.customerNumber));
    else if (state === 'idle') message = session.outcome;
    if (state === 'error' && session.failedAction === 'START' && session.call) second = { label: words.endCall, ends: 'this-call' };
    else if (busyWith && state === 'idle') second = { label: words.endCurrentCall, ends: 'busy-call' };
  }
  // The page named the control: its Call action says what the page says; ending and waiting say ours.
  if (kind === 'start' && state !== 'error' && control.ariaLabel) name = control.ariaLabel;
  return {
    kind,
    label,
    name,
    unavailable: kind === 'start' && (invalid || (control.inline ? busyWith !== null || control.disabled : busyWith !== null && state === 'idle')),
    message,
    error: state === 'error' || invalid,
    second,
    linkState: kind === 'start' ? '' : kind === 'end' && isFull(words) ? words.callInProgress : label,
  };
}

import type { ErrorCode } from '../../shared/protocol.js';

/**
 * Every word an agent sees or hears from a call control or a detected number, in one
 * language: one object of this type is a catalogue, and a missing key fails to compile.
 * Numbers come in as the page shows them; a duration comes in already worded by `Intl`.
 */
export interface CallButtonMessages {
  /** Visible label of the Call button. */
  call: string;
  /** Accessible name of the Call button: whom it calls. */
  callNumber(number: string): string;
  /** Visible label while a START is in flight. */
  calling: string;
  /** Its accessible name. */
  callingNumber(number: string): string;
  /** Visible label while an END is in flight. */
  ending: string;
  /** Its accessible name. */
  endingCallWith(number: string): string;
  /** Visible label of the End button. */
  endCall: string;
  /** Its accessible name. */
  endCallWith(number: string): string;
  /** Visible label after a failed START. */
  tryAgain: string;
  /** Its accessible name. */
  tryAgainCall(number: string): string;
  /** The button that ends the agent's call with another customer. */
  endCurrentCall: string;
  /** A page's own `tel:` link while its call is on: heard after the link's own name. */
  callInProgress: string;
  /** Shown beside a control while the agent is on a call with someone else. */
  busyWith(number: string): string;
  /** Shown beside a number while the agent is on a call placed from another site (the browser extension), whose number is not this site's to see. */
  onAnotherCall: string;
  /** Shown beside every number once the agent's sign-in has ended and could not be renewed (the browser extension). */
  signInAgain: string;

  /** Announced once Superfone's app has the call. */
  appIsCalling(number: string): string;
  /** Announced when a control finds its customer already on a call (a reload, another tab). */
  onCallWith(number: string): string;
  /** Announced while the call is being ended. */
  endingTheCall: string;
  /** Announced when the call ended, when its record does not say more. */
  callEnded: string;
  /** Announced when `max-duration` ended the call. */
  timeLimitReached: string;

  /** How a call went, from Superfone's record: answered, with how long it lasted. */
  callEndedAfter(duration: string): string;
  /** How a call went: not answered. */
  noAnswer: string;
  /** How a call went: the customer's line was busy. */
  customerBusy: string;
  /** How a call went: it could not be connected. */
  callFailed: string;

  /** Why a control cannot call: its default country is not one libphonenumber knows. */
  unknownCountry(country: string): string;
  /** Why a control cannot call: it has no customer number. */
  noCustomerNumber: string;
  /** Why a control cannot call: the customer's number, as written, is not a phone number. */
  invalidCustomerNumber(written: string): string;
  /** Why a control cannot call: the agent's number, as written, is not a phone number. */
  invalidAgentNumber(written: string): string;

  /** What each error code from the proxy means to the agent: what happened and what to do. */
  errors: Record<ErrorCode, string>;
  /** `rate_limited`, when the proxy says how long to wait but not which limit. */
  waitAndRetry(seconds: number): string;
  /** `rate_limited` by the per-customer limit: how long until the next call to them, and the time of day it is allowed (both worded by `Intl`). */
  customerLimit(wait: string, at: string): string;
  /** `rate_limited` by the per-agent limit: the agent started many calls; how long to wait. */
  agentLimit(wait: string): string;
  /** `rate_limited` by the per-client limit: this browser sent many call requests; how long to wait. */
  browserLimit(wait: string): string;
  /** `rate_limited` by the limit on ENDs: a flood only a program makes. */
  endLimit: string;
  /** `rate_limited` by Superfone itself; how long to wait. */
  superfoneLimit(wait: string): string;
  /** `forbidden`: calls to this country are not allowed (its name in this language, by `Intl`). */
  countryNotAllowed(country: string, callingCode: string): string;
  /** `bad_request`: no agent number is set on the page, nor bound on the server. */
  agentNumberMissing: string;
  /** Something that is not the proxy answered (a wrong `proxy-url`, a gateway's error page). */
  unexpectedAnswer(status: number): string;
}

/**
 * English's first words, the only ones a control needs before any catalogue has loaded: an
 * English control renders at once, unchecked and idle, and the rest of English comes with
 * number handling. A control in another language waits for its catalogue before its first
 * render, so it never flashes English. English's catalogue takes these, so they are said once.
 */
export const FIRST_WORDS: Pick<CallButtonMessages, 'call' | 'callNumber'> = { call: 'Call', callNumber: (number) => `Call ${number}` };

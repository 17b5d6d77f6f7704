import { svg } from 'lit';
import { formatForDisplay, isKnownCountry, normalizePhoneNumber } from '../shared/phone-number.js';
import type { CallStartDetail } from './call-events.js';

// Loaded lazily with number handling, through ./number-handling.ts: never in a page's first load.
// Sending a request, saying what it did, and the record of the agent's call shared with other
// tabs come with it: no control sends a request, or shows the agent's call, before its
// numbers are checked.
export { formatForDisplay, isKnownCountry };
export { sendCallRequest } from './call-client.js';
export { failureWords } from './failure-words.js';
export { announce, prepareAnnouncer } from './announcer.js';
export { activeCalls, agentKeyFor, atDeadline } from './active-calls.js';

/** The End button's drawing: shown only once a call is on, after number handling loaded. */
export const hangUpIcon = svg`<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M12 9c-1.6 0-3.15.25-4.6.72v3.1a1 1 0 0 1-.56.9 11.5 11.5 0 0 0-2.66 1.85 1 1 0 0 1-1.4 0L.29 13.08a1 1 0 0 1 0-1.41A16.9 16.9 0 0 1 12 7a16.9 16.9 0 0 1 11.71 4.67 1 1 0 0 1 0 1.41l-2.49 2.49a1 1 0 0 1-1.4 0 11.3 11.3 0 0 0-2.67-1.85 1 1 0 0 1-.56-.9v-3.1A15 15 0 0 0 12 9z"/></svg>`;

/** `<superfone-missed-calls>`'s code, asked for from here so its one dynamic import costs the first load nothing. */
export const missedCallsView = () => import('./missed-calls/missed-calls-view.js');

/** Why a control cannot call, for the element to word in the page's language. */
export type NumberProblem =
  | { kind: 'noCustomerNumber' }
  | { kind: 'unknownCountry' | 'invalidCustomerNumber' | 'invalidAgentNumber'; written: string };

/** The normalized numbers to call, or why there are none. */
export type Readiness = { ok: true; call: CallStartDetail; display: string } | { ok: false; problem: NumberProblem };

/** Checks a control's numbers once, when they change (and once number handling has loaded): never on the click path. */
export function checkNumbers(customerNumber: string, agentNumber: string | null, defaultCountry: string): Readiness {
  const country = defaultCountry.toUpperCase();
  if (!isKnownCountry(country)) {
    return { ok: false, problem: { kind: 'unknownCountry', written: defaultCountry } };
  }
  const customer = normalizePhoneNumber(customerNumber, country);
  if (!customer.ok) {
    return customer.reason === 'empty'
      ? { ok: false, problem: { kind: 'noCustomerNumber' } }
      : { ok: false, problem: { kind: 'invalidCustomerNumber', written: customerNumber } };
  }
  const display = formatForDisplay(customer.e164);
  if (agentNumber === null) return { ok: true, call: { customerNumber: customer.e164, agentNumber: null }, display };
  const agent = normalizePhoneNumber(agentNumber, country);
  if (!agent.ok) return { ok: false, problem: { kind: 'invalidAgentNumber', written: agentNumber } };
  return { ok: true, call: { customerNumber: customer.e164, agentNumber: agent.e164 }, display };
}

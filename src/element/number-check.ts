import { formatForDisplay, isKnownCountry, normalizePhoneNumber } from '../shared/phone-number.js';
import type { CallStartDetail } from './call-events.js';

// A control's numbers, checked: loaded in the calling chunk (./calling-chunk.ts), since it
// needs libphonenumber-js; only its types are read up front.

/** Why a control cannot call, for the element to word in the page's language. */
export type NumberProblem = { kind: 'noCustomerNumber' } | { kind: 'unknownCountry' | 'invalidCustomerNumber' | 'invalidAgentNumber'; written: string };

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
    return customer.reason === 'empty' ? { ok: false, problem: { kind: 'noCustomerNumber' } } : { ok: false, problem: { kind: 'invalidCustomerNumber', written: customerNumber } };
  }
  const display = formatForDisplay(customer.e164);
  if (agentNumber === null) return { ok: true, call: { customerNumber: customer.e164, agentNumber: null }, display };
  const agent = normalizePhoneNumber(agentNumber, country);
  if (!agent.ok) return { ok: false, problem: { kind: 'invalidAgentNumber', written: agentNumber } };
  return { ok: true, call: { customerNumber: customer.e164, agentNumber: agent.e164 }, display };
}

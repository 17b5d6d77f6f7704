import { formatForDisplay, isKnownCountry, normalizePhoneNumber } from '../shared/phone-number.js';
import type { CallStartDetail } from './call-events.js';

// Loaded lazily with number handling, through ./phone-numbers.ts: never in a page's first load.
export { formatForDisplay, isKnownCountry };

/** The normalized numbers to call, or why there are none, in words for the agent. */
export type Readiness = { ok: true; call: CallStartDetail; display: string } | { ok: false; reason: string };

/** Checks a control's numbers once, when they change (and once number handling has loaded): never on the click path. */
export function checkNumbers(customerNumber: string, agentNumber: string | null, defaultCountry: string): Readiness {
  const country = defaultCountry.toUpperCase();
  if (!isKnownCountry(country)) {
    return { ok: false, reason: `Unknown default-country “${defaultCountry}”; use a two-letter code such as IN.` };
  }
  const customer = normalizePhoneNumber(customerNumber, country);
  if (!customer.ok) {
    return customer.reason === 'empty'
      ? { ok: false, reason: 'No customer number to call.' }
      : { ok: false, reason: `“${customerNumber}” is not a valid phone number, so it cannot be called.` };
  }
  const display = formatForDisplay(customer.e164);
  if (agentNumber === null) return { ok: true, call: { customerNumber: customer.e164, agentNumber: null }, display };
  const agent = normalizePhoneNumber(agentNumber, country);
  if (!agent.ok) return { ok: false, reason: `The agent number “${agentNumber}” is not a valid phone number.` };
  return { ok: true, call: { customerNumber: customer.e164, agentNumber: agent.e164 }, display };
}

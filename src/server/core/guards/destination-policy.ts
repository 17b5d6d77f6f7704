import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

import { boundedCache } from '../../../shared/bounded-cache.js';
import type { ProxyFailure } from '../responses.js';

/** Number types that cost the caller more than a normal call; refused unless allowed. */
const EXPENSIVE_TYPES = new Set(['PREMIUM_RATE', 'SHARED_COST']);

/**
 * Number types a person answers: the plan places every valid number in one of these or
 * in the expensive ones. Pagers and voicemail access numbers, and numbers the plan gives no
 * type at all, are not called.
 */
const CALLABLE_TYPES = new Set(['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE', 'TOLL_FREE', 'VOIP', 'PERSONAL_NUMBER', 'UAN']);

export interface DestinationPolicy {
  allowedCountries: ReadonlySet<CountryCode>;
  allowPremiumRate: boolean;
}

function countryName(country: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' }).of(country) ?? country;
  } catch {
    return country;
  }
}

/** What the full metadata says of a number: the same whatever the policy, so kept for numbers seen again. */
const classify = boundedCache(1_000, (e164) => {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed
    ? { country: parsed.country, countryCallingCode: parsed.countryCallingCode, valid: parsed.isValid(), type: parsed.getType(), international: parsed.formatInternational() }
    : null;
});

/**
 * Decides whether the account may pay for a call to this number: a country on the list, a
 * number the country's full numbering plan has in use, of a type a person answers (mobile,
 * fixed line, toll-free, VoIP, personal, UAN), and not premium-rate or shared-cost unless
 * allowed. Uses libphonenumber-js's full metadata, which only the server loads, so the
 * browser bundle stays small.
 */
export function checkDestination(customerNumber: string, policy: DestinationPolicy): ProxyFailure | null {
  const parsed = classify(customerNumber);
  const country = parsed?.country;
  if (!parsed || !country) {
    return { code: 'forbidden', message: `Calls to ${customerNumber} are not allowed: the number belongs to no country this CRM may call.` };
  }
  if (!policy.allowedCountries.has(country)) {
    return {
      code: 'forbidden',
      message: `Calls to ${countryName(country)} (+${parsed.countryCallingCode}) are not allowed from this CRM. Ask your administrator if you need them.`,
      detail: { country, callingCode: String(parsed.countryCallingCode) },
    };
  }
  const type = parsed.type;
  if (!parsed.valid || !type) {
    return {
      code: 'invalid_number',
      message: `${parsed.international} is not a number in use in ${countryName(country)}: its numbering plan has no such number, so it cannot be called. Check the number with the customer.`,
    };
  }
  if (EXPENSIVE_TYPES.has(type)) {
    if (policy.allowPremiumRate) return null;
    return {
      code: 'forbidden',
      message: `${parsed.international} is a ${type === 'PREMIUM_RATE' ? 'premium-rate' : 'shared-cost'} number, which this CRM does not call.`,
    };
  }
  if (!CALLABLE_TYPES.has(type)) {
    return { code: 'forbidden', message: `${parsed.international} is a ${type === 'PAGER' ? 'pager' : 'voicemail'} number, which this CRM does not call.` };
  }
  return null;
}

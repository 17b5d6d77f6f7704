import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { boundedCache } from '../../shared/bounded-cache.js';
import type { ProxyFailure } from '../responses.js';

/** Number types that cost the caller more than a normal call; refused unless allowed. */
const EXPENSIVE_TYPES = new Set(['PREMIUM_RATE', 'SHARED_COST']);

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

/**
 * Decides whether the account may pay for a call to this number: a country on the list,
 * and not premium-rate or shared-cost. Uses libphonenumber-js's full metadata, which only
 * the server loads, so the browser bundle stays small.
 */
/** What the full metadata says of a number: the same whatever the policy, so kept for numbers seen again. */
const classify = boundedCache(1_000, (e164) => {
  const parsed = parsePhoneNumberFromString(e164);
  return parsed ? { country: parsed.country, countryCallingCode: parsed.countryCallingCode, type: parsed.getType(), international: parsed.formatInternational() } : null;
});

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
  if (!policy.allowPremiumRate && type && EXPENSIVE_TYPES.has(type)) {
    return {
      code: 'forbidden',
      message: `${parsed.international} is a ${type === 'PREMIUM_RATE' ? 'premium-rate' : 'shared-cost'} number, which this CRM does not call.`,
    };
  }
  return null;
}

import type { CallFailure } from '../../client/call-client.js';
import type { CallButtonMessages } from '../messages.js';

/**
 * A failed request in the control's language, as precisely as the proxy's English message:
 * how long to wait, which country is not allowed, what is missing. Loaded with number
 * handling: no request fails before the numbers are checked.
 */
export function failureWords(failure: CallFailure, words: CallButtonMessages, language: string): string {
  const { code, detail = {} } = failure;
  if (failure.unexpected) return words.unexpectedAnswer(failure.status);
  if (code === 'rate_limited' && detail.limit === 'ends-per-client') return words.endLimit;
  if (code === 'rate_limited' && detail.retryAfterSec !== undefined) {
    const seconds = detail.retryAfterSec;
    const wait = waitInWords(seconds, language);
    if (detail.limit === 'per-customer') return words.customerLimit(wait, clockTimeIn(seconds, language));
    if (detail.limit === 'per-agent') return words.agentLimit(wait);
    if (detail.limit === 'per-client') return words.browserLimit(wait);
    if (detail.limit === 'superfone') return words.superfoneLimit(wait);
    return words.waitAndRetry(seconds);
  }
  if (code === 'bad_request' && detail.missing === 'agent_number') return words.agentNumberMissing;
  if (code === 'forbidden' && detail.country && detail.callingCode) {
    const country = new Intl.DisplayNames([language, 'en'], { type: 'region' }).of(detail.country) ?? detail.country;
    return words.countryNotAllowed(country, detail.callingCode);
  }
  return words.errors[code];
}

/** "42 seconds", "9 minutes", "2 hours" in `language`: rounded up, so never sooner than true. */
function waitInWords(seconds: number, language: string): string {
  const [amount, unit] = seconds < 60 ? [seconds, 'second'] : seconds < 2 * 3600 ? [Math.ceil(seconds / 60), 'minute'] : [Math.ceil(seconds / 3600), 'hour'];
  return new Intl.NumberFormat([language, 'en'], { style: 'unit', unit, unitDisplay: 'long' }).format(amount);
}

/** The time of day `seconds` from now, as `language` writes it ("3:42 PM"). */
function clockTimeIn(seconds: number, language: string): string {
  return new Intl.DateTimeFormat([language, 'en'], { hour: 'numeric', minute: '2-digit' }).format(Date.now() + seconds * 1000);
}

import type { CallFailure } from './call-client.js';
import type { CallButtonMessages } from './messages.js';

/**
 * A failed request in the control's language, as precisely as the proxy's English message:
 * how long to wait, which country is not allowed, what is missing. Loaded with number
 * handling: no request fails before the numbers are checked.
 */
export function failureWords(failure: CallFailure, words: CallButtonMessages, language: string): string {
  const { code, detail = {} } = failure;
  if (failure.unexpected) return words.unexpectedAnswer(failure.status);
  if (code === 'rate_limited' && detail.retryAfterSec !== undefined) return words.waitAndRetry(detail.retryAfterSec);
  if (code === 'bad_request' && detail.missing === 'agent_number') return words.agentNumberMissing;
  if (code === 'forbidden' && detail.country && detail.callingCode) {
    const country = new Intl.DisplayNames([language, 'en'], { type: 'region' }).of(detail.country) ?? detail.country;
    return words.countryNotAllowed(country, detail.callingCode);
  }
  return words.errors[code];
}

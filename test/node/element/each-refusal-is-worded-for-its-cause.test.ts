import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { CallFailure } from '../../../src/client/call-client.js';
import { messages as english } from '../../../src/element/messages/en.js';
import { messages as hindi } from '../../../src/element/messages/hi.js';
import { failureWords } from '../../../src/element/view/failure-words.js';

// The control words a refusal from what the proxy's detail says of it. Planted bugs that
// survived every other test: the per-agent limit worded as the browser's, and "61 seconds"
// said as "1 minute" (rounded down, so the agent came back too soon). The expected words
// are written out by hand.
const limited = (limit: string | undefined, retryAfterSec: number): CallFailure => ({
  ok: false,
  code: 'rate_limited',
  status: 429,
  detail: { ...(limit ? { limit: limit as never } : {}), retryAfterSec },
});

describe('each refusal is worded for its cause, in English and Hindi', () => {
  it('each limit in its own words, with the wait rounded up', () => {
    assert.equal(failureWords(limited('per-agent', 600), english, 'en'), 'You have started many calls in a short time. Wait 10 minutes, then try again.');
    assert.equal(failureWords(limited('per-client', 45), english, 'en'), 'Too many call requests came from this browser. Wait 45 seconds, then try again.');
    assert.equal(failureWords(limited('superfone', 61), english, 'en'), 'Superfone is limiting call requests right now. Wait 2 minutes, then try again.');
    assert.equal(failureWords(limited('superfone', 7_201), english, 'en'), 'Superfone is limiting call requests right now. Wait 3 hours, then try again.');
    assert.match(
      failureWords(limited('per-customer', 1_799), english, 'en'),
      /^This customer has been called several times in a short while\. You can call them again in 30 minutes \(at \d{1,2}:\d{2}\s?[AP]M\)\.$/,
    );
    assert.equal(failureWords(limited('ends-per-client', 30), english, 'en'), 'Too many end-call requests. If a call is still on, end it in the Superfone app.');
    assert.equal(failureWords(limited(undefined, 7), english, 'en'), 'Too many call requests. Wait 7 s, then try again.');
  });

  it('in Hindi too', () => {
    assert.equal(failureWords(limited('per-agent', 600), hindi, 'hi'), 'आपने थोड़े समय में बहुत सारी कॉल शुरू की हैं। 10 मिनट रुककर फिर से कोशिश करें।');
    assert.equal(failureWords(limited('per-client', 61), hindi, 'hi'), 'इस ब्राउज़र से बहुत ज़्यादा कॉल अनुरोध आए हैं। 2 मिनट रुककर फिर से कोशिश करें।');
  });

  it('a request missing its agent number says how to give one; any other bad request, or one whose answer was no proxy’s, its own words', () => {
    const bad = (detail: CallFailure['detail']): CallFailure => ({ ok: false, code: 'bad_request', status: 400, detail });
    assert.equal(failureWords(bad({ missing: 'agent_number' }), english, 'en'), 'No agent number: set agent-number on the call button, or bind the agent on the server.');
    assert.equal(failureWords(bad({}), english, 'en'), 'The call request was not understood. Reload the page and try again.');
    assert.equal(failureWords({ ok: false, code: 'bad_request', status: 400 }, english, 'en'), 'The call request was not understood. Reload the page and try again.');
    assert.equal(
      failureWords({ ok: false, code: 'network_error', status: 502, unexpected: true }, english, 'en'),
      'The calling service answered unexpectedly (HTTP 502). Ask your administrator to check the proxy address.',
    );
  });

  it('a country refusal names the country in the page’s language; without a detail, the code’s own words', () => {
    const country: CallFailure = { ok: false, code: 'forbidden', status: 403, detail: { country: 'GB', callingCode: '44' } };
    assert.equal(failureWords(country, english, 'en'), 'Calls to United Kingdom (+44) are not allowed from this CRM. Ask your administrator if you need them.');
    assert.equal(failureWords({ ok: false, code: 'forbidden', status: 403 }, english, 'en'), english.errors.forbidden);
    assert.equal(failureWords({ ok: false, code: 'rate_limited', status: 429 }, english, 'en'), english.errors.rate_limited);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { messages as english } from '../../../src/element/messages/en.js';
import { messages as hindi } from '../../../src/element/messages/hi.js';
import { ERROR_CODES } from '../../../src/shared/protocol.js';

// Hindi entries swapped with each other (customer busy for call failed, agent busy worded as
// forbidden) passed every test that only checked the words differ from English's. Each
// entry here must carry the words that make its meaning, written by a Hindi reader, and
// what it is given (a number, a duration) must show in it.
const N = '+91 98450 12345';
const MEANING: Record<string, { words: string[]; args?: string[] }> = {
  call: { words: ['कॉल करें'] },
  callNumber: { words: ['को कॉल करें'], args: [N] },
  calling: { words: ['कॉल लग रही'] },
  callingNumber: { words: ['कॉल लग रही'], args: [N] },
  ending: { words: ['कट रही'] },
  endingCallWith: { words: ['कट रही'], args: [N] },
  endCall: { words: ['काटें'] },
  endCallWith: { words: ['काटें'], args: [N] },
  tryAgain: { words: ['फिर से कोशिश'] },
  tryAgainCall: { words: ['फिर से कोशिश', 'कॉल करें'], args: [N] },
  endCurrentCall: { words: ['चालू कॉल', 'काटें'] },
  callInProgress: { words: ['चल रही', 'काटने'] },
  busyWith: { words: ['कॉल पर हैं', 'काटें'], args: [N] },
  onAnotherCall: { words: ['दूसरी कॉल', 'काटें'] },
  signInAgain: { words: ['साइन इन', 'समाप्त', 'सेटिंग'] },
  appIsCalling: { words: ['Superfone ऐप', 'कॉल कर रहा'], args: [N] },
  onCallWith: { words: ['कॉल चल रही'], args: [N] },
  endingTheCall: { words: ['काटी जा रही'] },
  callEnded: { words: ['खत्म'] },
  timeLimitReached: { words: ['समय-सीमा', 'काट दी'] },
  callEndedAfter: { words: ['खत्म'], args: ['4 मि॰ 12 से॰'] },
  noAnswer: { words: ['नहीं उठाया'] },
  customerBusy: { words: ['ग्राहक', 'व्यस्त'] },
  callFailed: { words: ['नहीं लग पाई'] },
  unknownCountry: { words: ['देश', 'पहचाना नहीं'], args: ['XX'] },
  noCustomerNumber: { words: ['ग्राहक का नंबर नहीं'] },
  invalidCustomerNumber: { words: ['सही फ़ोन नंबर नहीं'], args: ['12ab'] },
  invalidAgentNumber: { words: ['एजेंट', 'सही फ़ोन नंबर नहीं'], args: ['12ab'] },
  waitAndRetry: { words: ['बहुत ज़्यादा', 'सेकंड रुककर'], args: ['42'] },
  customerLimit: { words: ['ग्राहक', 'कई बार', 'बाद', 'फिर से कॉल'], args: ['9 मिनट', '3:42 pm'] },
  agentLimit: { words: ['आपने', 'बहुत सारी कॉल', 'रुककर'], args: ['9 मिनट'] },
  browserLimit: { words: ['ब्राउज़र', 'रुककर'], args: ['9 मिनट'] },
  endLimit: { words: ['काटने के', 'Superfone ऐप में काटें'] },
  superfoneLimit: { words: ['Superfone', 'सीमित', 'रुककर'], args: ['7 सेकंड'] },
  countryNotAllowed: { words: ['अनुमति नहीं'], args: ['यूनाइटेड किंगडम', '44'] },
  agentNumberMissing: { words: ['एजेंट का नंबर', 'सेट नहीं'] },
  unexpectedAnswer: { words: ['अनपेक्षित', 'HTTP 404'], args: ['404'] },
};

const ERROR_MEANING: Record<string, string[]> = {
  invalid_number: ['फ़ोन नंबर सही नहीं'],
  bad_request: ['समझा नहीं जा सका'],
  unauthorized: ['साइन इन नहीं हैं'],
  token_expired: ['साइन-इन समाप्त'],
  forbidden: ['अनुमति नहीं'],
  agent_not_found: ['डैशबोर्ड कॉलिंग', 'सेट नहीं'],
  agent_busy: ['पहले से', 'कॉल पर'],
  notification_failed: ['अनुरोध नहीं पहुँचा'],
  rate_limited: ['बहुत ज़्यादा कॉल अनुरोध'],
  upstream_auth: ['API key'],
  upstream_error: ['पूरा नहीं कर सका'],
  upstream_timeout: ['समय पर जवाब नहीं', 'पता नहीं'],
  upstream_unavailable: ['जवाब नहीं दे रहा', 'रुकी'],
  limits_unavailable: ['सीमाएँ', 'कोई कॉल नहीं'],
  auth_unavailable: ['साइन-इन', 'जाँचा नहीं', 'कोई कॉल नहीं'],
  token_unavailable: ['साइन-इन नहीं ले सका', 'कोई कॉल नहीं'],
  network_error: ['संपर्क नहीं', 'इंटरनेट'],
  internal_error: ['अनचाही गड़बड़ी'],
};

function said(entry: unknown, args: string[] = []): string {
  return typeof entry === 'function' ? (entry as (...given: string[]) => string)(...args) : (entry as string);
}

describe('Hindi says what English says, entry by entry', () => {
  it('every key has its meaning written down here, and no other', () => {
    assert.deepEqual(
      Object.keys(MEANING).sort(),
      Object.keys(english)
        .filter((key) => key !== 'errors')
        .sort(),
    );
    assert.deepEqual(Object.keys(ERROR_MEANING).sort(), [...ERROR_CODES].sort());
  });

  for (const [key, { words, args }] of Object.entries(MEANING)) {
    // The Hindi words are in the messages, not the names: Node 20's runner lost this file's later
    // reports in some runs (scripts/lost-results.mjs runs it again). Whether Devanagari names play
    // a part is not known (1 loss in 28 loaded runs with them, 0 in 28 without); plain names rule it out.
    it(`${key} carries its meaning`, () => {
      const text = said(hindi[key as keyof typeof hindi], args);
      for (const word of words) assert.ok(text.includes(word), `hi.${key} = "${text}" lacks "${word}"`);
      for (const arg of args ?? []) assert.ok(text.includes(arg), `hi.${key} = "${text}" leaves out what it is given ("${arg}")`);
    });
  }

  for (const [code, words] of Object.entries(ERROR_MEANING)) {
    it(`errors.${code} carries its meaning`, () => {
      const text = hindi.errors[code as keyof typeof hindi.errors];
      for (const word of words) assert.ok(text.includes(word), `hi.errors.${code} = "${text}" lacks "${word}"`);
    });
  }
});

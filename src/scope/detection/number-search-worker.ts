// Searches text for phone numbers off the page's main thread: detection sends the text it
// found off screen here, so parsing thousands of numbers never holds up the page.
import type { CountryCode } from 'libphonenumber-js/core';

import { findPhoneNumbers } from './find-phone-numbers.js';
import type { NumberSearchReply, NumberSearchRequest } from './number-search.js';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<NumberSearchRequest>) => void) | null;
  postMessage(reply: NumberSearchReply): void;
};

scope.onmessage = ({ data: { id, texts, defaultCountry } }) => {
  scope.postMessage({ id, found: texts.map((text) => findPhoneNumbers(text, defaultCountry as CountryCode)) });
};

import { isServer } from 'lit';

import { SuperfoneCallButton } from './element/call-button.js';
import { SuperfoneMissedCalls } from './element/missed-calls-element.js';
import { defineElement } from './element/scope-context.js';
import { SuperfoneClickToCall } from './scope/click-to-call-scope.js';

// Importable during server rendering, where there is no registry to define into.
if (!isServer) {
  SuperfoneCallButton.define();
  SuperfoneClickToCall.define();
  defineElement('superfone-missed-calls', SuperfoneMissedCalls);
}

export { type CallState, SuperfoneCallButton } from './element/call-button.js';
export * from './element/call-events.js';
export { type CallButtonMessages, type MessageOverrides, registerMessages } from './element/messages.js';
export { SuperfoneMissedCalls } from './element/missed-calls-element.js';
export type { CallSettings } from './element/scope-context.js';
export { SuperfoneClickToCall } from './scope/click-to-call-scope.js';
// Types, and the two defaults the element uses anyway: other values would weigh on every
// page; `superfone-call-button/proxy` exports them all.
export { DEFAULT_COUNTRY, DEFAULT_PROXY_PATH } from './shared/defaults.js';
export type * from './shared/protocol.js';
// Number handling loads lazily; `superfone-call-button/phone-number` offers it to pages that want it at once.
export type { CountryCode, NormalizedNumber } from './shared/phone-number.js';

declare global {
  interface HTMLElementTagNameMap {
    'superfone-call-button': SuperfoneCallButton;
    'superfone-click-to-call': SuperfoneClickToCall;
    'superfone-missed-calls': SuperfoneMissedCalls;
  }
}

import { isServer } from 'lit';
import { SuperfoneCallButton } from './element/call-button.js';
import { SuperfoneClickToCall } from './scope/click-to-call-scope.js';
import { SuperfoneMissedCalls } from './element/missed-calls-element.js';
import { defineElement } from './element/scope-context.js';

// Importable during server rendering, where there is no registry to define into.
if (!isServer) {
  SuperfoneCallButton.define();
  SuperfoneClickToCall.define();
  defineElement('superfone-missed-calls', SuperfoneMissedCalls);
}

export { SuperfoneCallButton, type CallState } from './element/call-button.js';
export { SuperfoneClickToCall } from './scope/click-to-call-scope.js';
export { SuperfoneMissedCalls } from './element/missed-calls-element.js';
export type { CallSettings } from './element/scope-context.js';
export { registerMessages, type CallButtonMessages, type MessageOverrides } from './element/messages.js';
export * from './element/call-events.js';
// Types, and the two defaults the element uses anyway: other values would weigh on every
// page; `superfone-call-button/proxy` exports them all.
export type * from './shared/protocol.js';
export { DEFAULT_COUNTRY, DEFAULT_PROXY_PATH } from './shared/defaults.js';
// Number handling loads lazily; `superfone-call-button/phone-number` offers it to pages that want it at once.
export type { NormalizedNumber, CountryCode } from './shared/phone-number.js';

declare global {
  interface HTMLElementTagNameMap {
    'superfone-call-button': SuperfoneCallButton;
    'superfone-click-to-call': SuperfoneClickToCall;
    'superfone-missed-calls': SuperfoneMissedCalls;
  }
}

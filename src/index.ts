import { isServer } from 'lit';
import { SuperfoneCallButton } from './element/call-button.js';
import { SuperfoneClickToCall } from './scope/click-to-call-scope.js';

// Importable during server rendering, where there is no registry to define into.
if (!isServer) {
  SuperfoneCallButton.define();
  SuperfoneClickToCall.define();
}

export { SuperfoneCallButton, type CallState } from './element/call-button.js';
export { SuperfoneClickToCall } from './scope/click-to-call-scope.js';
export type { ScopeSettings } from './element/scope-context.js';
export * from './element/call-events.js';
export * from './shared/protocol.js';
export { DEFAULT_ERROR_MESSAGES } from './shared/error-messages.js';
export { normalizePhoneNumber, type NormalizedNumber, type CountryCode } from './shared/phone-number.js';

declare global {
  interface HTMLElementTagNameMap {
    'superfone-call-button': SuperfoneCallButton;
    'superfone-click-to-call': SuperfoneClickToCall;
  }
}

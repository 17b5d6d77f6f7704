import { isServer } from 'lit';
import { SuperfoneCallButton } from './call-button.js';
import { SuperfoneClickToCall } from './click-to-call-scope.js';

// Importable during server rendering, where there is no registry to define into.
if (!isServer) {
  SuperfoneCallButton.define();
  SuperfoneClickToCall.define();
}

export { SuperfoneCallButton, type CallState } from './call-button.js';
export { SuperfoneClickToCall } from './click-to-call-scope.js';
export type { ScopeSettings } from './scope-context.js';
export * from './call-events.js';
export * from './protocol.js';
export { DEFAULT_ERROR_MESSAGES } from './error-messages.js';
export { normalizePhoneNumber, type NormalizedNumber, type CountryCode } from './phone-number.js';

declare global {
  interface HTMLElementTagNameMap {
    'superfone-call-button': SuperfoneCallButton;
    'superfone-click-to-call': SuperfoneClickToCall;
  }
}

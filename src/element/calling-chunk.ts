import { svg } from 'lit';

// The calling chunk: what a control needs once it has numbers to call, loaded lazily through
// ./calling-chunk-loader.ts, never in a page's first load. Number checks (libphonenumber-js),
// sending a request, saying what it did, the agent's call shared with other tabs, following a
// call and its time limit come together: no control sends a request, or shows the agent's
// call, before its numbers are checked.
export { sendCallRequest } from '../client/call-client.js';
export { formatForDisplay, isKnownCountry } from '../shared/phone-number.js';
export { activeCalls, agentKeyFor } from './active-calls.js';
export { CallFollowing, loadCallOutcome } from './call-following.js';
export { CallTimeLimit } from './call-time-limit.js';
export { checkNumbers } from './number-check.js';
export { announce, prepareAnnouncer } from './view/announcer.js';
export { failureWords } from './view/failure-words.js';

/** The End button's drawing: shown only once a call is on, after number handling loaded. */
export const hangUpIcon = svg`
  <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
    <path
      d="M12 9c-1.6 0-3.15.25-4.6.72v3.1a1 1 0 0 1-.56.9 11.5 11.5 0 0 0-2.66 1.85 1 1 0 0 1-1.4 0L.29 13.08a1 1 0 0 1 0-1.41A16.9 16.9 0 0 1 12 7a16.9
        16.9 0 0 1 11.71 4.67 1 1 0 0 1 0 1.41l-2.49 2.49a1 1 0 0 1-1.4 0 11.3 11.3 0 0 0-2.67-1.85 1 1 0 0 1-.56-.9v-3.1A15 15 0 0 0 12 9z"
    />
  </svg>
`;

/** `<superfone-missed-calls>`'s code, asked for from here so its one dynamic import costs the first load nothing. */
export const missedCallsView = () => import('./missed-calls/missed-calls-view.js');

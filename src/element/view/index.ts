// The words and the view, for every surface that shows a call: the element, and the
// extension's marks and notifications. What a control shows and says in each state, the
// catalogues, how a failure and a call's end are worded, and the one live region.
export { announce, ANNOUNCER_ATTRIBUTE } from './announcer.js';
export { viewOf, type CallState, type ControlView, type FirstWords, type SessionSnapshot } from './call-view.js';
export { failureWords } from './failure-words.js';
export { outcomeText } from './call-outcome.js';
export { catalogueLanguageOf, loadCatalogue, wordsFor, type CallButtonMessages } from '../messages.js';
export { messages as english } from '../messages/en.js';
export { messages as hindi } from '../messages/hi.js';
export { missedCallWords, type MissedCallWords } from '../missed-calls/missed-call-words.js';

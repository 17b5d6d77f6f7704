// The words and the view, for every surface that shows a call: the element, and the
// extension's marks and notifications. What a control shows and says in each state, the
// catalogues, how a failure and a call's end are worded, and the one live region.
export { type CallButtonMessages, catalogueLanguageOf, loadCatalogue, wordsFor } from '../messages.js';
export { messages as english } from '../messages/en.js';
export { messages as hindi } from '../messages/hi.js';
export { type MissedCallWords, missedCallWords } from '../missed-calls/missed-call-words.js';
export { announce, ANNOUNCER_ATTRIBUTE } from './announcer.js';
export { outcomeText } from './call-outcome.js';
export { type CallState, type ControlView, type FirstWords, type SessionSnapshot, viewOf } from './call-view.js';
export { failureWords } from './failure-words.js';

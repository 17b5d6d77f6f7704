// Compiled by `npm run typecheck` (part of `npm test`): an integrator's catalogue must name
// every key, so a missing word fails the build instead of showing nothing to an agent.
import { messages as english } from '../../src/element/messages/en.js';
import { type CallButtonMessages, registerMessages } from '../../src/index.js';

const { call: _dropped, ...withoutCall } = english;

// @ts-expect-error `call` is missing: a catalogue without it does not compile.
const incomplete: CallButtonMessages = withoutCall;

// @ts-expect-error an error code's words missing from `errors` do not compile either.
registerMessages('ta', { ...english, errors: { invalid_number: 'தவறான எண்' } });

export { incomplete };

// The element's view as a pure function of what it knows (src/element/view/call-view.ts): every
// state's look, label, accessible name, message and second control, read in Node with the
// English catalogue. Expected words are written out here, as the agent reads them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { CallButtonMessages } from '../../../src/element/messages/catalogue.js';
import { messages as english } from '../../../src/element/messages/en.js';
import type { Readiness } from '../../../src/element/number-check.js';
import { type ControlView, type FirstWords, type SessionSnapshot, viewOf } from '../../../src/element/view/call-view.js';

const PRIYA = '+918000000001';
const ARJUN = '+919845012345';

interface Snapshot {
  state: SessionSnapshot['state'];
  inline: boolean;
  disabled: boolean;
  customerNumber: string;
  shownText: string;
  ariaLabel: string | null;
  readiness: Readiness | null;
  callCustomer: string | null;
  busyWith: string | null;
  failedAction: SessionSnapshot['failedAction'];
  errorMessage: string;
  outcome: string;
  words: CallButtonMessages | FirstWords;
}

/** A checked, idle standard control for Priya, in English, with everything loaded, unless told otherwise. */
function view(overrides: Partial<Snapshot> = {}): ControlView {
  const snapshot: Snapshot = {
    state: 'idle',
    inline: false,
    disabled: false,
    customerNumber: '080000 00001',
    shownText: '',
    ariaLabel: null,
    readiness: { ok: true, call: { customerNumber: PRIYA, agentNumber: '+919876543210' }, display: '+91 80000 00001' },
    callCustomer: null,
    busyWith: null,
    failedAction: 'START',
    errorMessage: '',
    outcome: '',
    words: english,
    ...overrides,
  };
  const { state, callCustomer, busyWith, failedAction, errorMessage, outcome } = snapshot;
  return viewOf(
    { inline: snapshot.inline, disabled: snapshot.disabled, customerNumber: snapshot.customerNumber, textContent: snapshot.shownText, ariaLabel: snapshot.ariaLabel },
    { state, call: callCustomer ? { customerNumber: callCustomer } : null, busyWith: busyWith ? { customerNumber: busyWith } : null, failedAction, errorMessage, outcome },
    snapshot.readiness,
    snapshot.words,
    (e164) => (e164 === ARJUN ? '+91 98450 12345' : e164),
  );
}

const FIRST: FirstWords = { call: 'Call', callNumber: (number) => `Call ${number}` };

describe("a control's view comes from what it knows", () => {
  it('idle: Call, named for whom it calls', () => {
    const shown = view();
    assert.deepEqual([shown.kind, shown.label, shown.name, shown.unavailable, shown.message, shown.second], ['start', 'Call', 'Call +91 80000 00001', false, '', null]);
  });

  it('before number handling or English has loaded: the first words, the number as the page wrote it', () => {
    const shown = view({ readiness: null, words: FIRST });
    assert.deepEqual([shown.label, shown.name, shown.message, shown.second], ['Call', 'Call 080000 00001', '', null]);
    assert.equal(view({ readiness: null, words: { ...FIRST, call: 'Ring' } }).label, 'Ring');
  });

  it('starting, active, ending: waiting, End call, waiting, each named for the customer', () => {
    assert.deepEqual(pick(view({ callCustomer: PRIYA, state: 'starting' })), ['busy', 'Calling…', 'Calling +91 80000 00001…']);
    assert.deepEqual(pick(view({ callCustomer: PRIYA, state: 'active' })), ['end', 'End call', 'End call with +91 80000 00001']);
    assert.deepEqual(pick(view({ callCustomer: PRIYA, state: 'ending' })), ['busy', 'Ending…', 'Ending the call with +91 80000 00001…']);
  });

  it('a failed START: Try again, its error shown as an error, and a second button to end the call it may have placed', () => {
    const shown = view({ state: 'error', callCustomer: PRIYA, errorMessage: 'The proxy did not answer. Try again.' });
    assert.deepEqual(pick(shown), ['start', 'Try again', 'Try again: call +91 80000 00001']);
    assert.deepEqual([shown.message, shown.error, shown.second], ['The proxy did not answer. Try again.', true, { label: 'End call', ends: 'this-call' }]);
    assert.equal(view({ state: 'error', errorMessage: 'x' }).second, null, 'no call placed: nothing to end');
  });

  it('a failed END: End call again, no second button', () => {
    const shown = view({ state: 'error', failedAction: 'END', callCustomer: PRIYA, errorMessage: 'x' });
    assert.deepEqual([...pick(shown), shown.second], ['end', 'End call', 'End call with +91 80000 00001', null]);
  });

  it('the agent busy with another customer: Call unavailable, why, and End current call', () => {
    const shown = view({ busyWith: ARJUN });
    assert.deepEqual(
      [shown.unavailable, shown.message, shown.error, shown.second],
      [true, 'On a call with +91 98450 12345: end it to call someone else.', false, { label: 'End current call', ends: 'busy-call' }],
    );
  });

  it('a number that is not one: Call, unnamed, unavailable, with what is wrong as an error', () => {
    const shown = view({ customerNumber: '12', readiness: { ok: false, problem: { kind: 'invalidCustomerNumber', written: '12' } } });
    assert.deepEqual([shown.name, shown.unavailable, shown.error, shown.message], ['Call', true, true, '“12” is not a valid phone number, so it cannot be called.']);
  });

  it('inline: named for the number as the page shows it; disabled makes it unavailable; a page link hears the state', () => {
    assert.equal(view({ inline: true, shownText: ' 080000 00001 ' }).name, 'Call 080000 00001');
    assert.equal(view({ inline: true, disabled: true }).unavailable, true);
    assert.equal(view({ inline: false, disabled: true }).unavailable, false, 'a standard button says disabled with the attribute instead');
    assert.equal(view({ inline: true, state: 'active', callCustomer: PRIYA }).linkState, 'Call in progress: activate to end it');
    assert.equal(view({ inline: true, state: 'starting', callCustomer: PRIYA }).linkState, 'Calling…');
    assert.equal(view({ inline: true }).linkState, '');
  });

  it('the page’s name for the control (its aria-label) names the Call action; ending, waiting and retrying say ours', () => {
    assert.equal(view({ ariaLabel: 'Call Priya (lead)' }).name, 'Call Priya (lead)');
    assert.equal(view({ ariaLabel: 'Call Priya (lead)', inline: true }).name, 'Call Priya (lead)');
    assert.equal(view({ ariaLabel: 'Call Priya (lead)', state: 'active', callCustomer: PRIYA }).name, 'End call with +91 80000 00001');
    assert.equal(view({ ariaLabel: 'Call Priya (lead)', state: 'starting', callCustomer: PRIYA }).name, 'Calling +91 80000 00001…');
    assert.equal(view({ ariaLabel: 'Call Priya (lead)', state: 'error', errorMessage: 'No.' }).name, 'Try again: call +91 80000 00001');
    assert.equal(view({ ariaLabel: '' }).name, 'Call +91 80000 00001', 'an empty label is no label');
  });

  it('how the last call went shows when idle', () => {
    assert.equal(view({ outcome: 'Call ended · 7 sec' }).message, 'Call ended · 7 sec');
  });
});

function pick({ kind, label, name }: ControlView): [string, string, string] {
  return [kind, label, name];
}

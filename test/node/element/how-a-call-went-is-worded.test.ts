import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { messages as english } from '../../../src/element/messages/en.js';
import { messages as hindi } from '../../../src/element/messages/hi.js';
import { outcomeText, spokenDuration } from '../../../src/element/view/call-outcome.js';
import type { CallSummary } from '../../../src/shared/protocol.js';

// "4 min 12 sec" said as "4 min" survived every test: what an agent is told about a call,
// from Superfone's record, is checked here word for word, in English and Hindi.
const record = (status: CallSummary['status'], durationSec: number | null): CallSummary => ({
  cdrId: 'cdr-1',
  customerNumber: '+919845012345',
  agentNumber: '+919876543210',
  status,
  durationSec,
  startedAt: null,
  answeredAt: null,
  endedAt: null,
  recordingUrl: null,
  direction: 'outbound',
  event: 'ALL_CALLS',
});

describe('how a call went, in words', () => {
  it('durations: minutes and seconds, each only when there are some, by Intl', () => {
    assert.equal(spokenDuration(252, 'en'), '4 min 12 sec');
    assert.equal(spokenDuration(240, 'en'), '4 min');
    assert.equal(spokenDuration(7, 'en'), '7 sec');
    // One of each: the edges of "some".
    assert.equal(spokenDuration(61, 'en'), '1 min 1 sec');
    assert.equal(spokenDuration(1, 'en'), '1 sec');
    assert.equal(spokenDuration(60, 'en'), '1 min');
    assert.equal(spokenDuration(0, 'en'), '0 sec');
    assert.equal(spokenDuration(3_725, 'en'), '62 min 5 sec');
    assert.equal(spokenDuration(252, 'hi'), '4 मि॰ 12 से॰');
  });

  it('each outcome, in English', () => {
    assert.equal(outcomeText(record('answered', 252), english, 'en'), 'Call ended · 4 min 12 sec');
    assert.equal(outcomeText(record('answered', 0), english, 'en'), 'Call ended.');
    assert.equal(outcomeText(record('answered', null), english, 'en'), 'Call ended.');
    assert.equal(outcomeText(record('missed', 0), english, 'en'), 'No answer');
    assert.equal(outcomeText(record('busy', 0), english, 'en'), 'Customer busy');
    assert.equal(outcomeText(record('failed', 0), english, 'en'), 'Call failed');
  });

  it('each outcome, in Hindi', () => {
    assert.equal(outcomeText(record('answered', 252), hindi, 'hi'), 'कॉल खत्म · 4 मि॰ 12 से॰');
    assert.equal(outcomeText(record('missed', 0), hindi, 'hi'), 'किसी ने फ़ोन नहीं उठाया');
    assert.equal(outcomeText(record('busy', 0), hindi, 'hi'), 'ग्राहक का फ़ोन व्यस्त है');
    assert.equal(outcomeText(record('failed', 0), hindi, 'hi'), 'कॉल नहीं लग पाई');
  });
});

import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';

import { type SimulatorOptions, SuperfoneSimulator } from '../../../src/simulator/simulator.js';
import { ASHA } from '../helpers.js';

// A tab closed mid-call used to leave its agent busy until someone reset the simulator:
// the simulated customer never hung up, and nobody was left to send END. The clock is the
// one stand-in here (node:test's mocked timers), so a minute of talk takes no minute.
const KEY = 'sim-test-key';

function simulatorWithClock(options: SimulatorOptions = {}) {
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const simulator = new SuperfoneSimulator({ apiKey: KEY, ...options });
  const send = (action: 'START' | 'END', customer: string) =>
    simulator.handleClickToCall(new URLSearchParams({ customer_number: customer, user_number: ASHA, call_action: action }).toString(), KEY) as { status: number };
  return { simulator, send };
}

describe('simulated customers hang up after their talk time, freeing the agent', () => {
  it('by default, an answered customer hangs up 60 s after answering (2 s): the agent is free again with no END', () => {
    try {
      const { simulator, send } = simulatorWithClock();
      assert.equal(send('START', '+918000000051').status, 200);
      assert.equal(send('START', '+918000000052').status, 409, 'the agent is on the call');
      // Node's mocked clock runs a timer set by a timer from where the tick ended: the steps
      // end where the customer answers (2 s in), so the minute is counted from the answer.
      mock.timers.tick(1_999);
      mock.timers.tick(1);
      mock.timers.tick(59_999);
      assert.equal(simulator.calls.liveCount, 1, 'still talking a millisecond before the minute is up');
      assert.equal(send('START', '+918000000052').status, 409);
      mock.timers.tick(1);
      assert.equal(simulator.calls.liveCount, 0, 'the customer hung up');
      assert.equal(send('START', '+918000000052').status, 200, 'the agent is free for the next call');
    } finally {
      mock.timers.reset();
    }
  });

  it('talkMs sets the talk time', () => {
    try {
      const { simulator, send } = simulatorWithClock({ talkMs: 5_000 });
      assert.equal(send('START', '+918000000053').status, 200);
      mock.timers.tick(2_000);
      mock.timers.tick(4_999);
      assert.equal(simulator.calls.liveCount, 1);
      mock.timers.tick(1);
      assert.equal(simulator.calls.liveCount, 0);
    } finally {
      mock.timers.reset();
    }
  });

  it('talkMs null keeps the call up until END, as before; reset restores the configured default after an outcome set for a while', () => {
    try {
      const { simulator, send } = simulatorWithClock({ talkMs: null });
      assert.equal(send('START', '+918000000054').status, 200);
      mock.timers.tick(2_000);
      mock.timers.tick(24 * 3_600_000);
      assert.equal(simulator.calls.liveCount, 1, 'a day later, still on');
      assert.equal(send('END', '+918000000054').status, 200);
      assert.equal(simulator.calls.liveCount, 0);
      simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 0, talkMs: 10 });
      simulator.reset();
      assert.equal(send('START', '+918000000055').status, 200);
      mock.timers.tick(2_000);
      mock.timers.tick(3_600_000);
      assert.equal(simulator.calls.liveCount, 1, 'after reset, the configured null again, not the outcome set before it');
    } finally {
      mock.timers.reset();
    }
  });

  it('a talk time that is not a whole number of milliseconds is refused at start', () => {
    assert.throws(() => new SuperfoneSimulator({ talkMs: -1 }), /talkMs must be a whole number of milliseconds, 0 or more, or null \(got -1\)/);
    assert.throws(() => new SuperfoneSimulator({ talkMs: 1.5 }), /got 1\.5/);
  });
});

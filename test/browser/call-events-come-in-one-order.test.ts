import { expect, fixture, html } from '@open-wc/testing';

import type { SuperfoneCallButton } from '../../src/index.js';
import { TEST_ROUTES } from '../support/test-routes.js';
import { ASHA, callButton, primaryButton, simulator, until } from './helpers.js';

// The README promises one order for every way a call ends: started, then ended, then
// completed, each once per call and page. A CRM that logs a row on `ended` and fills it in
// on `completed` depends on it. The record can reach the page (through the call's stream)
// before the END's own answer does, so each way runs 20 times.
const RUNS = 20;
const NAMES = ['superfone-call-started', 'superfone-call-ended', 'superfone-call-completed'] as const;

/** The call events that reach `document` while `run` lasts, in order, with the ended reason. */
async function eventsDuring(run: (seen: string[]) => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const record = (event: Event) => seen.push(event.type === 'superfone-call-ended' ? `${event.type}:${(event as CustomEvent).detail.reason}` : event.type);
  for (const name of NAMES) document.addEventListener(name, record);
  try {
    await run(seen);
    // Anything arriving late (an `ended` after the record) would show here.
    await new Promise((resolve) => setTimeout(resolve, 60));
    return seen;
  } finally {
    for (const name of NAMES) document.removeEventListener(name, record);
  }
}

const completedIn = (seen: string[]) => seen.includes('superfone-call-completed');

async function started(element: SuperfoneCallButton): Promise<void> {
  primaryButton(element).click();
  await until(() => element.state === 'active', 'the call to start');
}

const inOrder = (reason: string) => ['superfone-call-started', `superfone-call-ended:${reason}`, 'superfone-call-completed'];

describe('every way a call ends gives started, ended, completed, in that order, once each', function () {
  // Twenty calls a test; the time limit's are a second each.
  this.timeout(60_000);
  beforeEach(() => simulator.reset());

  it(`the agent clicks End (${RUNS} times): ended (user) comes before the record, which reached the page first`, async () => {
    for (let run = 0; run < RUNS; run++) {
      await simulator.outcome({ kind: 'answered', answerAfterMs: 0, talkMs: null });
      const element = await callButton('+918000000301');
      const seen = await eventsDuring(async (seen) => {
        await started(element);
        primaryButton(element).click();
        await until(() => completedIn(seen), 'the record after End');
      });
      expect(seen, `run ${run + 1}`).to.deep.equal(inOrder('user'));
      expect(element.state).to.equal('idle');
      element.remove();
    }
  });

  it(`the page calls end() (${RUNS} times)`, async () => {
    for (let run = 0; run < RUNS; run++) {
      await simulator.outcome({ kind: 'answered', answerAfterMs: 0, talkMs: null });
      const element = await callButton('+918000000302');
      const seen = await eventsDuring(async (seen) => {
        await started(element);
        await element.end();
        await until(() => completedIn(seen), 'the record after end()');
      });
      expect(seen, `run ${run + 1}`).to.deep.equal(inOrder('program'));
      element.remove();
    }
  });

  it(`End on another control showing the same number (${RUNS} times): the page hears one ended, before the record`, async () => {
    for (let run = 0; run < RUNS; run++) {
      await simulator.outcome({ kind: 'answered', answerAfterMs: 0, talkMs: null });
      const placing = await callButton('+918000000303');
      const twin = await callButton('+918000000303');
      const seen = await eventsDuring(async (seen) => {
        await started(placing);
        await until(() => twin.state === 'active', 'the twin to adopt the call');
        primaryButton(twin).click();
        await until(() => completedIn(seen), 'the record after the twin’s End');
      });
      expect(seen, `run ${run + 1}`).to.deep.equal(inOrder('user'));
      placing.remove();
      twin.remove();
    }
  });

  it(`the customer hangs up (${RUNS} times)`, async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 0, talkMs: 30 });
    for (let run = 0; run < RUNS; run++) {
      const element = await callButton('+918000000304');
      const seen = await eventsDuring(async (seen) => {
        primaryButton(element).click();
        await until(() => completedIn(seen), 'the record');
      });
      expect(seen, `run ${run + 1}`).to.deep.equal(inOrder('completed'));
      element.remove();
    }
  });

  it(`nobody answers (${RUNS} times)`, async () => {
    await simulator.outcome({ kind: 'missed', ringMs: 30 });
    for (let run = 0; run < RUNS; run++) {
      const element = await callButton('+918000000305');
      const seen = await eventsDuring(async (seen) => {
        primaryButton(element).click();
        await until(() => completedIn(seen), 'the record');
      });
      expect(seen, `run ${run + 1}`).to.deep.equal(inOrder('missed'));
      element.remove();
    }
  });

  it(`the time limit ends it (${RUNS} times)`, async () => {
    for (let run = 0; run < RUNS; run++) {
      await simulator.outcome({ kind: 'answered', answerAfterMs: 0, talkMs: null });
      const element = await fixture<SuperfoneCallButton>(
        html`<superfone-call-button customer-number="+918000000306" agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy} max-duration="1"></superfone-call-button>`,
      );
      const seen = await eventsDuring(async (seen) => {
        primaryButton(element).click();
        await until(() => completedIn(seen), 'the record after the time limit', 5_000);
      });
      expect(seen, `run ${run + 1}`).to.deep.equal(inOrder('max-duration'));
      element.remove();
    }
  });
});

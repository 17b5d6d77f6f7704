import { expect, fixture, html, oneEvent } from '@open-wc/testing';

import type { CallErrorDetail, ErrorCode, SuperfoneCallButton } from '../../src/index.js';
import { DEFAULT_ERROR_MESSAGES } from '../../src/shared/error-messages.js';
import type { SimulatorFault } from '../../src/simulator/simulator.js';
import { TEST_ROUTES, TEST_TIMEOUT_MS } from '../support/test-routes.js';
import {
  announced,
  ASHA,
  callButton,
  eventsDuring,
  innerButtons,
  MEERA_OFFLINE,
  NOT_ON_SUPERFONE,
  primaryButton,
  simulator,
  startCallElsewhere,
  visibleMessage,
} from './helpers.js';

async function failedStart(element: SuperfoneCallButton): Promise<CallErrorDetail> {
  const [event] = await eventsDuring<CustomEvent<CallErrorDetail>>('superfone-call-error', () => element.start());
  expect(event, 'superfone-call-error fired').to.exist;
  await element.updateComplete;
  return event!.detail;
}

/** What every error must look like to the agent: the state, words on screen, the words announced. */
function expectReadableError(element: SuperfoneCallButton, detail: CallErrorDetail, code: ErrorCode, status: number): void {
  expect(detail.code).to.equal(code);
  expect(detail.status).to.equal(status);
  expect(detail.message.length).to.be.greaterThan(20);
  expect(detail.message).not.to.match(/undefined|null|\[object|Error:/);
  expect(element.getAttribute('state')).to.equal('error');
  expect(visibleMessage(element)).to.equal(detail.message);
  expect(announced()).to.equal(detail.message);
  expect(primaryButton(element).getAttribute('aria-describedby')).to.equal('message');
}

describe('every error code reaches the element with words an agent understands', () => {
  beforeEach(() => simulator.reset());

  const upstreamFaults: Array<[string, SimulatorFault, ErrorCode, number]> = [
    ['Superfone answers 500', { kind: 'server-error' }, 'upstream_error', 502],
    ['Superfone answers an HTML page', { kind: 'html' }, 'upstream_error', 502],
    ['Superfone answers truncated JSON', { kind: 'truncated-json' }, 'upstream_error', 502],
    ['Superfone drops the connection', { kind: 'reset' }, 'upstream_error', 502],
    ['Superfone limits the rate', { kind: 'rate-limit', retryAfterSeconds: 7 }, 'rate_limited', 429],
  ];
  for (const [title, fault, code, status] of upstreamFaults) {
    it(`${title} → ${code}`, async () => {
      await simulator.fault(fault);
      const element = await callButton('+91 80000 00001');
      expectReadableError(element, await failedStart(element), code, status);
      expect((await simulator.state()).requests).to.have.length(1, 'START is never retried');
    });
  }

  it('Superfone never answers → upstream_timeout, the outcome is unknown, so End is offered', async () => {
    await simulator.fault({ kind: 'hang' });
    const element = await callButton('+91 80000 00001');
    const startedAt = performance.now();
    const detail = await failedStart(element);
    expect(performance.now() - startedAt).to.be.at.least(TEST_TIMEOUT_MS - 50);
    expectReadableError(element, detail, 'upstream_timeout', 504);
    expect(detail.message).to.contain('unknown');
    expect(innerButtons(element).map((button) => button.textContent!.trim())).to.deep.equal(['Try again', 'End call']);

    await simulator.fault(null);
    const ended = oneEvent(element, 'superfone-call-ended');
    innerButtons(element)[1]!.click();
    await ended;
    expect(element.state).to.equal('idle');
  });

  it('a START that timed out but went through: the retry is answered busy, and End still ends it', async () => {
    // Superfone processes the START but answers after the proxy gave up.
    await simulator.fault({ kind: 'slow', delayMs: TEST_TIMEOUT_MS + 500 }, 1);
    const element = await callButton('+91 80000 00001');
    expect((await failedStart(element)).code).to.equal('upstream_timeout');
    expect((await failedStart(element)).code).to.equal('agent_busy');
    expect(innerButtons(element).map((button) => button.textContent!.trim())).to.deep.equal(['Try again', 'End call']);
    await element.end();
    expect(element.state).to.equal('idle');
    expect((await simulator.state()).agents.find((agent) => agent.number === ASHA)!.activeCall).to.equal(null);
  });

  it('start() does nothing while a failed END leaves the call in place', async () => {
    const element = await callButton('+91 80000 00001');
    await element.start();
    await simulator.fault({ kind: 'server-error' }, 1);
    await element.end();
    const requestsBefore = (await simulator.state()).requests.length;
    await element.start();
    expect((await simulator.state()).requests.length).to.equal(requestsBefore);
    expect(primaryButton(element).textContent!.trim()).to.equal('End call');
  });

  it('the agent is already on a call the page does not know of → agent_busy', async () => {
    await startCallElsewhere('+918000000001');
    const second = await callButton('+91 98450 12345');
    const detail = await failedStart(second);
    expectReadableError(second, detail, 'agent_busy', 409);
    expect(detail.message).to.contain('End your current call');
  });

  it("the agent's app is offline → notification_failed", async () => {
    const element = await callButton('+91 80000 00001', { agentNumber: MEERA_OFFLINE });
    const detail = await failedStart(element);
    expectReadableError(element, detail, 'notification_failed', 502);
    expect(detail.message).to.contain('Superfone app');
  });

  it('the agent is not a Superfone team member → agent_not_found', async () => {
    const element = await callButton('+91 80000 00001', { agentNumber: NOT_ON_SUPERFONE });
    expectReadableError(element, await failedStart(element), 'agent_not_found', 404);
  });

  it("the server's API key is wrong → upstream_auth, which blames the setup, not the agent", async () => {
    const element = await callButton('+91 80000 00001', { proxyUrl: TEST_ROUTES.wrongKey });
    const detail = await failedStart(element);
    expectReadableError(element, detail, 'upstream_auth', 502);
    expect(detail.message).to.contain('administrator');
  });

  it('the signed-in user names another agent → forbidden', async () => {
    const element = await callButton('+91 80000 00001', { agentNumber: ASHA, proxyUrl: TEST_ROUTES.boundAgent });
    expectReadableError(element, await failedStart(element), 'forbidden', 403);
    expect((await simulator.state()).requests).to.have.length(0);
  });

  it('authorize refuses the user → unauthorized', async () => {
    const element = await callButton('+91 80000 00001', { proxyUrl: TEST_ROUTES.refused });
    expectReadableError(element, await failedStart(element), 'unauthorized', 401);
  });

  it('authorize throws → internal_error, without the exception text', async () => {
    const element = await callButton('+91 80000 00001', { proxyUrl: TEST_ROUTES.brokenAuthorize });
    const detail = await failedStart(element);
    expectReadableError(element, detail, 'internal_error', 500);
    expect(detail.message).not.to.contain('session store');
  });

  it('no agent number anywhere → bad_request that says where to set it', async () => {
    const element = await callButton('+91 80000 00001', { agentNumber: null });
    const detail = await failedStart(element);
    expectReadableError(element, detail, 'bad_request', 400);
    expect(detail.message).to.contain('agent-number');
  });

  it('the proxy cannot be reached → network_error with status 0', async () => {
    // Port 9 (discard) on loopback: nothing listens, so the connection is refused.
    const element = await callButton('+91 80000 00001', { proxyUrl: 'http://127.0.0.1:9/api/superfone/call' });
    const detail = await failedStart(element);
    expectReadableError(element, detail, 'network_error', 0);
    expect(detail.message).to.equal(DEFAULT_ERROR_MESSAGES.network_error);
  });

  it('proxy-url points at something that is not the proxy → network_error naming the HTTP status', async () => {
    const element = await callButton('+91 80000 00001', { proxyUrl: '/no-proxy-here' });
    const detail = await failedStart(element);
    expectReadableError(element, detail, 'network_error', 404);
    expect(detail.message).to.contain('HTTP 404');
  });

  it('Superfone rejects a number the page thought valid → invalid_number', async () => {
    // Both the element and the proxy validate numbers first, so no number can make Superfone
    // say this; the simulator answers as Superfone documents for a bad number, through the real proxy.
    await simulator.fault({ kind: 'reject', status: 400, message: 'Invalid phone number' }, 1);
    const element = await callButton('+91 80000 00001');
    const detail = await failedStart(element);
    expectReadableError(element, detail, 'invalid_number', 400);
    expect(detail.message).to.equal(DEFAULT_ERROR_MESSAGES.invalid_number);
    expect((await simulator.state()).requests, 'it reached Superfone, once').to.have.length(1);
  });

  it('after an error, Try again repeats the START and can succeed', async () => {
    await simulator.fault({ kind: 'server-error' }, 1);
    const element = await callButton('+91 80000 00001');
    await failedStart(element);
    expect(primaryButton(element).textContent!.trim()).to.equal('Try again');
    const started = oneEvent(element, 'superfone-call-started');
    primaryButton(element).click();
    await started;
    expect(element.state).to.equal('active');
  });

  it('a failed END stays in error, its message shown and announced, End still on offer; a second END succeeds', async () => {
    const element = await callButton('+91 80000 00001');
    await element.start();
    await simulator.fault({ kind: 'server-error' }, 1);
    const [error] = await eventsDuring<CustomEvent<CallErrorDetail>>('superfone-call-error', () => element.end());
    await element.updateComplete;
    expect(error!.detail.action).to.equal('END');
    expectReadableError(element, error!.detail, 'upstream_error', 502);
    // The agent's call is still on in the shared record: that must not wipe the failure away.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await element.updateComplete;
    expect(element.getAttribute('state')).to.equal('error');
    expect(visibleMessage(element)).to.equal(error!.detail.message);
    expect(announced()).to.equal(error!.detail.message);
    expect(primaryButton(element).textContent!.trim()).to.equal('End call');
    await element.end();
    expect(element.state).to.equal('idle');
  });

  describe('through a proxy with its default guards', () => {
    it('a destination outside the allowed countries → forbidden, naming the country', async () => {
      const element = await callButton('+44 20 7946 0958', { proxyUrl: TEST_ROUTES.guarded });
      const detail = await failedStart(element);
      expectReadableError(element, detail, 'forbidden', 403);
      expect(detail.message).to.contain('United Kingdom (+44)');
      expect((await simulator.state()).requests).to.have.length(0);
    });

    it('the same customer called too often → rate_limited by the per-customer limit, saying when they may be called again', async () => {
      const element = await callButton('+91 70220 33445', { proxyUrl: TEST_ROUTES.guarded });
      for (let call = 0; call < 6; call++) {
        await element.start();
        expect(element.state, `call ${call + 1} of the six allowed`).to.equal('active');
        await element.end();
      }
      const detail = await failedStart(element);
      expectReadableError(element, detail, 'rate_limited', 429);
      // The window began with the first of the six, moments ago: 30 minutes, and the clock time then, as Intl writes it here.
      const at = (offsetMs: number) => new Intl.DateTimeFormat(['en', 'en'], { hour: 'numeric', minute: '2-digit' }).format(Date.now() + offsetMs);
      const expected = (time: string) => `This customer has been called several times in a short while. You can call them again in 30 minutes (at ${time}).`;
      expect([expected(at(1_800_000)), expected(at(1_740_000))]).to.include(detail.message);
    });

    it('Superfone’s own limit → rate_limited, named as Superfone’s, in seconds', async () => {
      await simulator.fault({ kind: 'rate-limit', retryAfterSeconds: 7 });
      const element = await callButton('+91 80000 00001', { proxyUrl: TEST_ROUTES.guarded });
      const detail = await failedStart(element);
      expectReadableError(element, detail, 'rate_limited', 429);
      expect(detail.message).to.equal('Superfone is limiting call requests right now. Wait 7 seconds, then try again.');
    });

    it('after repeated upstream failures → upstream_unavailable, without calling Superfone', async () => {
      await simulator.fault({ kind: 'server-error' });
      const element = await callButton('+91 80000 00001', { agentNumber: MEERA_OFFLINE, proxyUrl: TEST_ROUTES.guarded });
      await failedStart(element);
      await failedStart(element);
      const requestsBefore = (await simulator.state()).requests.length;
      const detail = await failedStart(element);
      expectReadableError(element, detail, 'upstream_unavailable', 503);
      expect((await simulator.state()).requests.length).to.equal(requestsBefore);
    });
  });

  // A getToken that fails is the page's own fault, found before anything is sent: one ask,
  // no retry, and a reason its developer can read in the event.
  const unavailable: Array<[string, () => unknown, RegExp]> = [
    ['rejects', () => Promise.reject(new Error('not signed in to the CRM')), /^getToken failed: Error: not signed in to the CRM$/],
    [
      'throws',
      () => {
        throw new TypeError('session store down');
      },
      /^getToken failed: TypeError: session store down$/,
    ],
    ['gives undefined', () => undefined, /^getToken gave undefined, not a token string$/],
    ['gives null', () => Promise.resolve(null), /^getToken gave null, not a token string$/],
    ['gives an empty string', () => '', /^getToken gave an empty string$/],
    ['gives a Response, not its text', () => new Response('eyJ.a.b'), /^getToken gave object, not a token string$/],
    // What the README's recipe sent before it checked response.ok: the text of a 401.
    ['gives the text of an error answer', () => Promise.resolve('Not signed in. Sign in to the CRM first.'), /^getToken gave 40 characters that are not a token \(/],
  ];
  for (const [title, getToken, reason] of unavailable) {
    it(`a page whose getToken ${title}: token_unavailable with the reason, asked once, nothing sent, words shown and announced`, async () => {
      const element = await callButton('+91 80000 00001');
      let asked = 0;
      element.getToken = (() => {
        asked += 1;
        return getToken();
      }) as SuperfoneCallButton['getToken'];
      const detail = await failedStart(element);
      expectReadableError(element, detail, 'token_unavailable', 0);
      expect(detail.message).to.equal(DEFAULT_ERROR_MESSAGES.token_unavailable);
      expect(detail.message).to.contain('could not get your sign-in');
      expect(detail.reason).to.match(reason);
      expect(detail.reason, 'the text given is never quoted: it may be a secret').not.to.contain('Sign in to the CRM first');
      expect(asked, 'asked once: a fresh ask would fail the same way').to.equal(1);
      expect((await simulator.state()).requests, 'no request reached Superfone').to.have.length(0);
      // The agent can try again once the page can sign in.
      expect(innerButtons(element).map((button) => button.textContent!.trim())).to.include('Try again');
    });
  }

  it('token_unavailable in a page in Hindi: the Hindi words, shown and announced', async () => {
    const holder = await fixture<HTMLElement>(
      html`<div lang="hi"><superfone-call-button customer-number="+91 80000 00001" agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy}></superfone-call-button></div>`,
    );
    const element = holder.querySelector('superfone-call-button')!;
    await element.updateComplete;
    element.getToken = () => Promise.reject(new Error('not signed in'));
    const detail = await failedStart(element);
    expectReadableError(element, detail, 'token_unavailable', 0);
    expect(detail.message).to.equal('यह पेज कॉलिंग के लिए आपका साइन-इन नहीं ले सका, इसलिए कोई कॉल नहीं की गई। पेज रीलोड करें या फिर से साइन इन करें, फिर कोशिश करें।');
  });
});

describe('an answer that says the notification did not reach the app', () => {
  beforeEach(() => simulator.reset());

  it('a 200 with sentSuccess: false is a failure (notification_failed), never a started call', async () => {
    const element = await callButton('+91 80000 00001', { proxyUrl: TEST_ROUTES.undeliveredPassThrough });
    const started = await eventsDuring('superfone-call-started', async () => {
      const detail = await failedStart(element);
      expect(detail.code).to.equal('notification_failed');
    });
    expect(started).to.deep.equal([]);
    expect(element.state).to.equal('error');
  });
});

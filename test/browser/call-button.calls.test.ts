import { expect, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';

import type { CallDetail, CallEndedDetail, CallStartDetail, SuperfoneCallButton } from '../../src/index.js';
import { announced, ASHA, callButton, eventsDuring, innerButtons, primaryButton, simulator, VIKRAM } from './helpers.js';

/** The control shows `state` while its request is out; then the event it fires, once it has drawn what followed. */
async function throughState(element: SuperfoneCallButton, state: 'starting' | 'ending', fired: Promise<Event>): Promise<CallDetail> {
  await element.updateComplete;
  expect(element.getAttribute('state')).to.equal(state);
  const { detail } = (await fired) as CustomEvent<CallDetail>;
  await element.updateComplete;
  return detail;
}

describe('placing and ending a call through the proxy and simulator', () => {
  beforeEach(() => simulator.reset());

  it('starts a call: state, event detail, End control, live announcement', async () => {
    const element = await callButton('080000 00001');
    const started = oneEvent(element, 'superfone-call-started');
    primaryButton(element).click();
    expect(element.state).to.equal('starting');
    const detail = await throughState(element, 'starting', started);
    expect(detail.customerNumber).to.equal('+918000000001');
    expect(detail.agentNumber).to.equal(ASHA);
    expect(detail.notificationId).to.be.a('number');
    expect(element.getAttribute('state')).to.equal('active');
    expect(primaryButton(element).textContent).to.contain('End call');
    expect(primaryButton(element).getAttribute('aria-label')).to.equal('End call with +91 80000 00001');
    expect(announced()).to.equal('Your Superfone app is calling +91 80000 00001.');

    const state = await simulator.state();
    const notification = state.notifications.at(-1)!;
    expect(notification.notificationId).to.equal(detail.notificationId);
    expect(state.agents.find((agent) => agent.number === ASHA)!.activeCall).to.equal('+918000000001');
  });

  it('ends the call it started, with the same numbers and the START’s id, and returns to idle', async () => {
    const element = await callButton('+91 80000 00001');
    await element.start();
    const startId = (await simulator.state()).notifications.at(-1)!.notificationId;
    // The page rewrites the row meanwhile; END must still reach the call that exists.
    element.customerNumber = '+91 98450 12345';
    const ended = oneEvent(element, 'superfone-call-ended');
    primaryButton(element).click();
    const detail = await throughState(element, 'ending', ended);
    expect(detail.customerNumber).to.equal('+918000000001');
    expect(detail.agentNumber).to.equal(ASHA);
    expect(element.getAttribute('state')).to.equal('idle');
    expect(announced()).to.equal('Call ended.');
    const state = await simulator.state();
    expect(state.notifications.at(-1)!.action).to.equal('END');
    // One id per call on every event, as Superfone numbered the START; the END's own apart.
    expect(detail.notificationId).to.equal(startId);
    expect((detail as CallEndedDetail).endNotificationId).to.equal(state.notifications.at(-1)!.notificationId);
    expect(startId).not.to.equal(state.notifications.at(-1)!.notificationId);
    expect(state.agents.find((agent) => agent.number === ASHA)!.activeCall).to.equal(null);
  });

  it('end() ends the call it started, even after the page changed the customer number', async () => {
    const element = await callButton('+91 80000 00001');
    await element.start();
    element.setAttribute('customer-number', '+91 98450 12345');
    await element.updateComplete;
    await element.end();
    const end = (await simulator.state()).notifications.at(-1)!;
    expect([end.action, end.customerNumber]).to.deep.equal(['END', '+918000000001']);
    expect(element.state).to.equal('idle');
  });

  it('start() and end() resolve once the proxy has answered', async () => {
    const element = await callButton('+91 80000 00001');
    await element.start();
    expect(element.state).to.equal('active');
    await element.end();
    expect(element.state).to.equal('idle');
  });

  it('fires superfone-call-start before sending, with E.164 numbers, bubbling and composed', async () => {
    const element = await callButton('(080) 2345-6789', { agentNumber: '98123 45678' });
    const [event] = await eventsDuring<CustomEvent<CallStartDetail>>('superfone-call-start', () => element.start());
    expect(event).to.exist;
    expect(event!.detail).to.deep.equal({ customerNumber: '+918023456789', agentNumber: VIKRAM });
    expect(event!.bubbles).to.equal(true);
    expect(event!.composed).to.equal(true);
    expect(event!.cancelable).to.equal(true);
  });

  it('a page vetoes the call with preventDefault: nothing is sent, the control stays idle', async () => {
    const element = await callButton('+91 80000 00001');
    const veto = (event: Event) => event.preventDefault();
    document.addEventListener('superfone-call-start', veto);
    try {
      const started = await eventsDuring('superfone-call-started', () => element.start());
      expect(started).to.have.length(0);
    } finally {
      document.removeEventListener('superfone-call-start', veto);
    }
    await element.updateComplete;
    expect(element.getAttribute('state')).to.equal('idle');
    expect((await simulator.state()).requests).to.have.length(0);
  });

  it('a double click sends one START', async () => {
    const element = await callButton('+91 80000 00001');
    const started = oneEvent(element, 'superfone-call-started');
    primaryButton(element).click();
    primaryButton(element).click();
    await element.updateComplete;
    primaryButton(element).click();
    await started;
    const state = await simulator.state();
    expect(state.requests).to.have.length(1);
    expect(state.notifications.filter((note) => note.action === 'START')).to.have.length(1);
  });

  it('works from the keyboard: Enter on the focused control starts the call', async () => {
    const element = await callButton('+91 80000 00001');
    element.focus();
    expect(element.shadowRoot!.activeElement).to.equal(primaryButton(element));
    const started = oneEvent(element, 'superfone-call-started');
    // Real key presses from Playwright: a native <button> turns Enter into a click.
    await sendKeys({ press: 'Enter' });
    await started;
    await element.updateComplete;
    expect(element.shadowRoot!.activeElement).to.equal(primaryButton(element), 'focus stays on the control');
  });

  it('omits user_number when the server binds the agent', async () => {
    const element = await callButton('+91 80000 00001', { agentNumber: null, proxyUrl: '/api/bound-agent/call' });
    const [event] = await eventsDuring<CustomEvent<CallDetail>>('superfone-call-started', () => element.start());
    expect(event!.detail.agentNumber).to.equal(null);
    const state = await simulator.state();
    expect(state.notifications.at(-1)!.agentNumber).to.equal(VIKRAM);
  });

  it('aborts a request in flight when the element leaves the page', async () => {
    await simulator.fault({ kind: 'slow', delayMs: 800 });
    const element = await callButton('+91 80000 00001');
    const outcomes: string[] = [];
    element.addEventListener('superfone-call-started', () => outcomes.push('started'));
    element.addEventListener('superfone-call-error', () => outcomes.push('error'));
    const pending = element.start();
    await element.updateComplete;
    element.remove();
    await pending;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(outcomes).to.deep.equal([]);
    expect(element.state).to.equal('idle');
    expect((await simulator.state()).requests).to.have.length(1, 'the request had been sent');
  });

  it('while the agent is on a call, other controls say so, send nothing, and offer to end that call', async () => {
    const first = await callButton('+91 80000 00001');
    const second = await callButton('+91 98450 12345');
    await first.start();
    await second.updateComplete;
    expect(second.hasAttribute('agent-busy')).to.equal(true);
    expect(second.shadowRoot!.querySelector('[part="message"]')!.textContent).to.contain('On a call with +91 80000 00001');
    expect(primaryButton(second).getAttribute('aria-disabled')).to.equal('true');
    const requestsBefore = (await simulator.state()).requests.length;
    await second.start();
    expect((await simulator.state()).requests.length).to.equal(requestsBefore, 'no second START');

    const endCurrent = innerButtons(second).find((button) => button.textContent!.includes('End current call'))!;
    const ended = oneEvent(second, 'superfone-call-ended');
    endCurrent.click();
    const event = await ended;
    expect(event.detail.customerNumber).to.equal('+918000000001');
    expect(event.detail.reason).to.equal('user');
    await first.updateComplete;
    await second.updateComplete;
    expect(first.state).to.equal('idle');
    expect(second.hasAttribute('agent-busy')).to.equal(false);
  });
});

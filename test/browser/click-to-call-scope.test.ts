import { expect, fixture, html, oneEvent } from '@open-wc/testing';

import type { CallEndedDetail, SuperfoneCallButton, SuperfoneClickToCall } from '../../src/index.js';
import { TEST_ROUTES } from '../support/test-routes.js';
import { ASHA, eventsDuring, primaryButton, simulator, until, VIKRAM } from './helpers.js';

describe('<superfone-click-to-call>: settings shared by the controls inside', () => {
  beforeEach(() => simulator.reset());

  it('is registered by the package import', () => {
    expect(customElements.get('superfone-click-to-call')).to.exist;
  });

  it('a button inside inherits agent-number, proxy-url and default-country', async () => {
    const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call agent-number="+91 98123 45678" proxy-url=${TEST_ROUTES.proxy} default-country="GB">
      <div><superfone-call-button customer-number="020 7946 0958"></superfone-call-button></div>
    </superfone-click-to-call>`);
    const button = scope.querySelector('superfone-call-button')!;
    await button.updateComplete;
    expect(button.agentNumber).to.equal('+91 98123 45678');
    expect(button.defaultCountry).to.equal('GB');
    const [started] = await eventsDuring<CustomEvent>('superfone-call-started', () => button.start());
    expect(started!.detail.customerNumber).to.equal('+442079460958');
    expect(started!.detail.agentNumber).to.equal(VIKRAM);
  });

  it('a button’s own settings win over the scope’s', async () => {
    const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call agent-number=${VIKRAM} proxy-url="/nowhere">
      <superfone-call-button customer-number="+91 80000 00001" agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy}></superfone-call-button>
    </superfone-click-to-call>`);
    const button = scope.querySelector('superfone-call-button')!;
    await button.start();
    expect(button.state).to.equal('active');
    expect((await simulator.state()).notifications[0]!.agentNumber).to.equal(ASHA);
  });

  it('a change on the scope reaches the buttons inside', async () => {
    const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call agent-number=${ASHA}>
      <superfone-call-button customer-number="+91 80000 00001"></superfone-call-button>
    </superfone-click-to-call>`);
    const button = scope.querySelector('superfone-call-button')!;
    scope.agentNumber = VIKRAM;
    await scope.updateComplete;
    await button.updateComplete;
    expect(button.agentNumber).to.equal(VIKRAM);
  });

  it('max-duration ends the call by itself, with reason max-duration', async () => {
    const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call agent-number=${ASHA} max-duration="1">
      <superfone-call-button customer-number="+91 80000 00001"></superfone-call-button>
    </superfone-click-to-call>`);
    const button = scope.querySelector('superfone-call-button')!;
    const ended = oneEvent(button, 'superfone-call-ended');
    await button.start();
    const startedAt = performance.now();
    expect(button.state).to.equal('active');
    const event = (await ended) as CustomEvent<CallEndedDetail>;
    const lasted = performance.now() - startedAt;
    // max-duration is in seconds: "1" is a second, not a tenth of one, nor ten.
    expect(lasted, `the call lasted ${Math.round(lasted)} ms`).to.be.within(950, 2_500);
    expect(event.detail.reason).to.equal('max-duration');
    expect(button.state).to.equal('idle');
    const state = await simulator.state();
    expect(state.notifications.map((note) => note.action)).to.deep.equal(['START', 'END']);
  });

  it('max-duration with the number twice on the page: both controls show the call, and one END reaches Superfone', async () => {
    const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call agent-number=${ASHA} max-duration="1">
      <p><superfone-call-button class="one" customer-number="+91 80000 00001"></superfone-call-button></p>
      <p><superfone-call-button class="two" customer-number="080000 00001"></superfone-call-button></p>
    </superfone-click-to-call>`);
    const [one, two] = [scope.querySelector<SuperfoneCallButton>('.one')!, scope.querySelector<SuperfoneCallButton>('.two')!];
    await one.start();
    await until(() => two.state === 'active', 'the second control to show the call');
    await until(() => one.state === 'idle' && two.state === 'idle', 'the time limit to end the call', 5_000);
    // A second END, had both controls sent one, would be answered moments later: give it time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const state = await simulator.state();
    expect(state.notifications.map((note) => note.action)).to.deep.equal(['START', 'END']);
  });

  it('max-duration still ends a call whose control was moved in the page meanwhile', async () => {
    const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call agent-number=${ASHA} max-duration="1">
      <div class="a"><superfone-call-button customer-number="+91 80000 00001"></superfone-call-button></div><div class="b"></div>
    </superfone-click-to-call>`);
    const button = scope.querySelector('superfone-call-button')!;
    await button.start();
    const ended = oneEvent(button, 'superfone-call-ended');
    scope.querySelector('.b')!.append(button);
    expect(((await ended) as CustomEvent<CallEndedDetail>).detail.reason).to.equal('max-duration');
  });

  it('ended by the agent says reason user; by the page, reason program', async () => {
    const button = await fixture<SuperfoneCallButton>(html`<superfone-call-button customer-number="+91 80000 00001" agent-number=${ASHA}></superfone-call-button>`);
    await button.start();
    let ended = oneEvent(button, 'superfone-call-ended');
    primaryButton(button).click();
    expect(((await ended) as CustomEvent<CallEndedDetail>).detail.reason).to.equal('user');
    await button.start();
    ended = oneEvent(button, 'superfone-call-ended');
    await button.end();
    expect(((await ended) as CustomEvent<CallEndedDetail>).detail.reason).to.equal('program');
  });
});

import { expect, fixture, html } from '@open-wc/testing';

import type { SuperfoneCallButton, SuperfoneClickToCall } from '../../src/index.js';
import { TEST_ROUTES } from '../support/test-routes.js';
import { announced, ASHA, callButton, primaryButton, simulator, until } from './helpers.js';

// A note edited while its detected number is on a call: the number's control went with the
// text, the call went on, and only another row's "End current call" could end it.
async function callFromANote(): Promise<{ scope: SuperfoneClickToCall; note: HTMLElement; control: SuperfoneCallButton }> {
  const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call detect agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy}>
    <p id="note">Call back on 098450 12345 about the invoice</p>
  </superfone-click-to-call>`);
  await scope.scanComplete();
  const mark = scope.querySelector<HTMLAnchorElement>('a[data-superfone-detected]')!;
  mark.click();
  await until(() => mark.parentElement?.localName === 'superfone-call-button' && (mark.parentElement as SuperfoneCallButton).state === 'active', 'the call from the note');
  return { scope, note: scope.querySelector<HTMLElement>('#note')!, control: mark.parentElement as SuperfoneCallButton };
}

const scopesOwn = (scope: SuperfoneClickToCall) => scope.shadowRoot!.querySelector<SuperfoneCallButton>('superfone-call-button');

describe('a call whose number is edited away mid-call keeps a control', () => {
  beforeEach(() => simulator.reset());

  it('the scope shows its own control for the call, End reaches Superfone, and it goes once the agent moves on', async () => {
    const { scope, note, control } = await callFromANote();
    note.textContent = 'Customer prefers email now';
    await until(() => !control.isConnected, 'the number’s control to leave with its text');
    await until(() => scopesOwn(scope)?.state === 'active', 'the scope’s own control to take the call over');
    const own = scopesOwn(scope)!;
    expect(own.getAttribute('part')).to.equal('call-left');
    expect(primaryButton(own).getAttribute('aria-label') ?? primaryButton(own).textContent).to.match(/End call with \+91 98450 12345/);
    expect(announced()).to.equal('On a call with +91 98450 12345.');
    primaryButton(own).focus();
    primaryButton(own).click();
    await until(() => own.state === 'idle', 'the END');
    expect((await simulator.state()).notifications.map((note) => note.action)).to.deep.equal(['START', 'END']);
    expect(scopesOwn(scope), 'kept while focus is on it, saying how the call ended').to.equal(own);
    primaryButton(own).blur();
    await until(() => scopesOwn(scope) === null, 'the scope’s control to go once focus moved on');
  });

  it('when the call ends elsewhere (the customer hangs up), the scope’s control goes too', async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 0, talkMs: 1_500 });
    const { scope, note } = await callFromANote();
    note.textContent = 'Customer prefers email now';
    await until(() => scopesOwn(scope)?.state === 'active', 'the scope’s own control to take the call over');
    await until(() => scopesOwn(scope) === null, 'the scope’s control to go when the call ended', 8_000);
  });

  it('a control still on the page keeps its call: the scope adds none', async () => {
    const { scope, note } = await callFromANote();
    // The note is rewritten, the number kept: detection keeps a control for it.
    note.append(' (updated)');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(scopesOwn(scope)).to.equal(null);
  });

  it('a call from a control outside any scope, removed mid-call, is offered by the controls that remain (End current call)', async () => {
    const calling = await callButton('+918000000061');
    const other = await callButton('+918000000062');
    primaryButton(calling).click();
    await until(() => calling.state === 'active', 'the call');
    calling.remove();
    await until(() => other.hasAttribute('agent-busy'), 'the other control to offer End current call');
  });
});

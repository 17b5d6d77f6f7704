import 'axe-core/axe.min.js';

import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { AxeResults, RunOptions } from 'axe-core';

import type { MissedCallDetail, SuperfoneCallButton } from '../../src/index.js';
import { TEST_ROUTES } from '../support/test-routes.js';
import { announcer, simulator, until, VIKRAM } from './helpers.js';

// <superfone-missed-calls> lists the agent's unreturned missed calls, kept by the real proxy
// from the real simulator's deliveries, with Call back (the call button, so the same rules)
// and Dismiss. Without sign-in the proxy serves them to this machine only, which the test
// browser is. Its calls are Vikram's, whose list is emptied before each test: the proxy's
// store lives for the whole run.
declare const axe: { run(context: Element, options: RunOptions): Promise<AxeResults> };
const WCAG_22_AA: RunOptions = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] };
const violations = async (context: Element) =>
  (await axe.run(context, WCAG_22_AA)).violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);

const LIST = `${TEST_ROUTES.proxy.replace(/call$/, 'missed-calls')}?agent=${encodeURIComponent(VIKRAM)}`;

async function clearMissedCalls(): Promise<void> {
  const { missedCalls } = await (await fetch(LIST)).json();
  for (const call of missedCalls) await fetch(`${TEST_ROUTES.proxy.replace(/call$/, 'missed-calls')}/${call.id}/dismiss?agent=${encodeURIComponent(VIKRAM)}`, { method: 'POST' });
}

async function missedCalls(lang = 'en', proxyUrl: string = TEST_ROUTES.proxy): Promise<HTMLElement> {
  const holder = await fixture<HTMLElement>(html`<div lang=${lang}><superfone-missed-calls agent-number=${VIKRAM} proxy-url=${proxyUrl}></superfone-missed-calls></div>`);
  return holder.querySelector('superfone-missed-calls')!;
}

const shadow = (element: HTMLElement) => element.shadowRoot!;
const items = (element: HTMLElement) => [...(element.shadowRoot?.querySelectorAll('li') ?? [])];
const text = (element: HTMLElement) => (element.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();

describe('<superfone-missed-calls>: missed calls come back to the agent', () => {
  beforeEach(async () => {
    await simulator.reset();
    await clearMissedCalls();
  });
  afterEach(async () => {
    fixtureCleanup();
    await clearMissedCalls();
  });

  it('empty, then a missed call arrives: shown with its number, name and how long ago; announced once; superfone-missed-call once', async () => {
    const heard: MissedCallDetail[] = [];
    const record = (event: Event) => heard.push((event as CustomEvent<MissedCallDetail>).detail);
    document.addEventListener('superfone-missed-call', record);
    try {
      const element = await missedCalls();
      await until(() => text(element).includes('No missed calls.'), 'the empty list', 8_000);
      expect(await violations(element), 'empty').to.deep.equal([]);
      await simulator.missedInbound('+918000000401', VIKRAM, 'Priya Nair');
      await until(() => items(element).length === 1, 'the missed call', 8_000);
      const item = items(element)[0]!;
      expect(item.querySelector('[part~="number"]')!.textContent).to.equal('+91 80000 00401');
      expect(item.querySelector('[part~="name"]')!.textContent).to.equal('Priya Nair');
      // Reported 25 s after the call began (the simulated caller rang that long): "now" or "1 minute ago".
      expect(item.querySelector('time')!.textContent).to.match(/^(now|1 minute ago)$/);
      expect(announcer().textContent).to.equal('Missed call from Priya Nair, +91 80000 00401');
      expect(heard).to.have.length(1);
      expect(heard[0]!.customerNumber).to.equal('+918000000401');
      expect(heard[0]!.contactName).to.equal('Priya Nair');
      expect(Date.now() - Date.parse(heard[0]!.at)).to.be.within(20_000, 60_000);
      const callBack = item.querySelector('superfone-call-button') as SuperfoneCallButton;
      await callBack.updateComplete;
      expect(callBack.shadowRoot!.querySelector('button')!.getAttribute('aria-label')).to.equal('Call back +91 80000 00401');
      expect(item.querySelector('[part~="dismiss"]')!.getAttribute('aria-label')).to.equal('Dismiss the missed call from +91 80000 00401');
      expect(await violations(element), 'with an item').to.deep.equal([]);
      // A second list on the page (another panel) shows it too, and says nothing more.
      announcer().textContent = '';
      const second = await missedCalls();
      await until(() => items(second).length === 1, 'the second list');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard, 'what was there when the list opened is not new').to.have.length(1);
      expect(announcer().textContent).to.equal('');
    } finally {
      document.removeEventListener('superfone-missed-call', record);
    }
  });

  it('Call back places the call as the agent, through the same rules as any control; the item goes when the call is over, in every list', async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 20, talkMs: 500 });
    await simulator.missedInbound('+918000000402', VIKRAM);
    const element = await missedCalls();
    const other = await missedCalls();
    await until(() => items(element).length === 1 && items(other).length === 1, 'the missed call in both lists', 8_000);
    const callBack = items(element)[0]!.querySelector('superfone-call-button') as SuperfoneCallButton;
    await callBack.updateComplete;
    callBack.shadowRoot!.querySelector('button')!.click();
    await until(() => callBack.state === 'active', 'the call back to start');
    const [start] = (await simulator.state()).notifications;
    expect([start!.action, start!.agentNumber, start!.customerNumber]).to.deep.equal(['START', VIKRAM, '+918000000402']);
    // Gone from the other list at once; here it stays while the call is on, so End is here.
    await until(() => items(other).length === 0, 'the other list to drop it');
    expect(items(element)).to.have.length(1);
    await until(() => items(element).length === 0, 'the item to go once the call is over', 8_000);
    expect(text(element)).to.include('No missed calls.');
  });

  it('Dismiss, by keyboard: gone here and in the other list, focus on the next item’s Dismiss', async () => {
    await simulator.missedInbound('+918000000403', VIKRAM);
    await simulator.missedInbound('+918000000404', VIKRAM);
    const element = await missedCalls();
    const other = await missedCalls();
    await until(() => items(element).length === 2 && items(other).length === 2, 'both missed calls', 8_000);
    const first = items(element)[0]!.querySelector<HTMLButtonElement>('[part~="dismiss"]')!;
    first.focus();
    await sendKeys({ press: 'Enter' });
    await until(() => items(element).length === 1, 'one dismissed');
    expect(shadow(element).activeElement?.getAttribute('part')).to.equal('dismiss');
    await until(() => items(other).length === 1, 'the other list to drop it');
    expect(items(other)[0]!.dataset.id).to.equal(items(element)[0]!.dataset.id);
    await sendKeys({ press: 'Enter' });
    await until(() => items(element).length === 0, 'both dismissed');
    expect(shadow(element).activeElement?.localName, 'focus on the title, not lost to <body>').to.equal('h2');
  });

  it('in every state, in English and in Hindi, the words are the language’s and axe finds nothing: loading, empty, a refusal', async () => {
    for (const [lang, loading, empty, refusal] of [
      ['en', 'Loading missed calls…', 'No missed calls.', 'Sign in again to see your missed calls.'],
      ['hi', 'छूटी हुई कॉल लोड हो रही हैं…', 'कोई छूटी हुई कॉल नहीं।', 'अपनी छूटी हुई कॉल देखने के लिए फिर से साइन इन करें।'],
    ] as const) {
      // Loading lasts while the page's token source has not answered: here, never.
      const waiting = await fixture<HTMLElement>(
        html`<div lang=${lang}><superfone-missed-calls proxy-url=${TEST_ROUTES.signedIn} .getToken=${() => new Promise(() => {})}></superfone-missed-calls></div>`,
      );
      const loadingList = waiting.querySelector('superfone-missed-calls')!;
      await until(() => text(loadingList).includes(loading), `${lang}: loading`, 8_000);
      expect(shadow(loadingList).querySelector('section')!.getAttribute('aria-busy')).to.equal('true');
      expect(await violations(loadingList), `${lang}: loading`).to.deep.equal([]);
      const element = await missedCalls(lang);
      await until(() => text(element).includes(empty), `${lang}: empty`, 8_000);
      expect(await violations(element), `${lang}: empty`).to.deep.equal([]);
      const refused = await fixture<HTMLElement>(
        html`<div lang=${lang}><superfone-missed-calls proxy-url=${TEST_ROUTES.signedIn} .getToken=${() => 'someone-else'}></superfone-missed-calls></div>`,
      );
      const refusedList = refused.querySelector('superfone-missed-calls')!;
      await until(() => text(refusedList).includes(refusal), `${lang}: the refusal`, 8_000);
      expect(await violations(refusedList), `${lang}: refused`).to.deep.equal([]);
      fixtureCleanup();
    }
  });

  it('in Hindi: the title, the Call back button, Dismiss and the announcement', async () => {
    const element = await missedCalls('hi');
    await until(() => text(element).includes('कोई छूटी हुई कॉल नहीं।'), 'the empty list in Hindi', 8_000);
    await simulator.missedInbound('+918000000405', VIKRAM, 'Ravi');
    await until(() => items(element).length === 1, 'the missed call', 8_000);
    expect(shadow(element).querySelector('h2')!.textContent).to.equal('छूटी हुई कॉल');
    const callBack = items(element)[0]!.querySelector('superfone-call-button') as SuperfoneCallButton;
    await until(() => callBack.shadowRoot?.querySelector('button')?.getAttribute('aria-label') === '+91 80000 00405 को वापस कॉल करें', 'the Hindi call back');
    expect(callBack.shadowRoot!.querySelector('button')!.textContent!.trim()).to.equal('वापस कॉल करें');
    expect(items(element)[0]!.querySelector('[part~="dismiss"]')!.textContent).to.equal('हटाएँ');
    expect(announcer().textContent).to.equal('Ravi, +91 80000 00405 से छूटी हुई कॉल');
    expect(announcer().lang).to.equal('hi');
    expect(await violations(element)).to.deep.equal([]);
  });

  it('with sign-in, the token says whose list: the element’s getToken is used, and a refused token says sign in again', async () => {
    const holder = await fixture<HTMLElement>(
      html`<div><superfone-missed-calls proxy-url=${TEST_ROUTES.signedIn} .getToken=${() => 'vikram-session'}></superfone-missed-calls></div>`,
    );
    const element = holder.querySelector('superfone-missed-calls')!;
    await until(() => text(element).includes('No missed calls.'), 'the signed-in agent’s list', 8_000);
    expect(element.shadowRoot!.querySelector('[role="alert"]')).to.equal(null);
    // A token refused once (expired meanwhile) is asked for again, once: the fresh one is used.
    const given: string[] = [];
    const refreshing = () => (given.push(given.length === 0 ? 'stale-session' : 'vikram-session'), given.at(-1));
    const refreshed = await fixture<HTMLElement>(html`<div><superfone-missed-calls proxy-url=${TEST_ROUTES.signedIn} .getToken=${refreshing}></superfone-missed-calls></div>`);
    await until(() => text(refreshed.querySelector('superfone-missed-calls')!).includes('No missed calls.'), 'the list after a fresh token', 8_000);
    expect(given).to.deep.equal(['stale-session', 'vikram-session']);
    const other = await fixture<HTMLElement>(
      html`<div><superfone-missed-calls proxy-url=${TEST_ROUTES.signedIn} .getToken=${() => 'someone-else'}></superfone-missed-calls></div>`,
    );
    await until(() => text(other.querySelector('superfone-missed-calls')!).includes('Sign in again to see your missed calls.'), 'the refusal', 8_000);
  });

  it('refusals say what to do, and are axe-clean: sign in again (401), not available here (404: notifications off)', async () => {
    const refused = await missedCalls('en', TEST_ROUTES.signedIn);
    await until(() => text(refused).includes('Sign in again to see your missed calls.'), 'the sign-in message', 8_000);
    expect(shadow(refused).querySelector('[role="alert"]')!.textContent).to.equal('Sign in again to see your missed calls.');
    expect(await violations(refused)).to.deep.equal([]);
    const off = await missedCalls('en', TEST_ROUTES.wrongKey);
    await until(() => text(off).includes('Missed calls are not available here.'), 'the not-available message', 8_000);
    expect(await violations(off)).to.deep.equal([]);
  });
});

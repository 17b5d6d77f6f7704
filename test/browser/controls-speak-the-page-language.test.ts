import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';

import { messages as english } from '../../src/element/messages/en.js';
import { type CallButtonMessages, registerMessages, type SuperfoneCallButton, type SuperfoneClickToCall } from '../../src/index.js';
import { TEST_ROUTES } from '../support/test-routes.js';
import { announcer, ASHA, MEERA_OFFLINE, primaryButton, simulator, until, visibleMessage } from './helpers.js';

/** A control inside an element with `lang`, as a CRM page in Hindi has it. */
async function controlIn(lang: string, customerNumber = '+91 98450 12345', agentNumber = ASHA): Promise<{ holder: HTMLElement; element: SuperfoneCallButton }> {
  const holder = await fixture<HTMLElement>(html`<div lang=${lang}>
    <superfone-call-button customer-number=${customerNumber} agent-number=${agentNumber} proxy-url=${TEST_ROUTES.proxy}></superfone-call-button>
  </div>`);
  const element = holder.querySelector('superfone-call-button')!;
  await element.updateComplete;
  return { holder, element };
}

// Tamil, as an integrator adds it: one typed catalogue (a missing key fails `tsc`, see
// test/types/catalogue-is-complete.ts). Built on English's errors here to keep the test short.
const tamil: CallButtonMessages = {
  ...english,
  call: 'அழை',
  callNumber: (number) => `${number} ஐ அழை`,
};

describe('controls speak the page’s language', () => {
  beforeEach(() => simulator.reset());
  afterEach(() => fixtureCleanup());

  it('in a part of the page marked lang="hi", the control is in Hindi from its first render, never English first', async () => {
    const holder = document.createElement('div');
    holder.lang = 'hi';
    const element = document.createElement('superfone-call-button');
    element.setAttribute('customer-number', '+91 98450 12345');
    const seen: string[] = [];
    const observer = new MutationObserver(() => seen.push(element.shadowRoot!.textContent ?? ''));
    try {
      holder.append(element);
      document.body.append(holder);
      observer.observe(element.shadowRoot!, { childList: true, subtree: true, characterData: true });
      await element.updateComplete;
      expect(primaryButton(element).textContent!.trim()).to.equal('कॉल करें');
      expect(primaryButton(element).getAttribute('aria-label')).to.equal('+91 98450 12345 को कॉल करें');
      expect(seen.join('|'), 'no English was ever rendered').not.to.contain('Call');
    } finally {
      observer.disconnect();
      holder.remove();
    }
  });

  it('inside a CRM component’s shadow root, the control takes the lang of the page around the component', async () => {
    const holder = document.createElement('div');
    holder.lang = 'hi';
    const component = document.createElement('div');
    const root = component.attachShadow({ mode: 'open' });
    const element = document.createElement('superfone-call-button');
    element.setAttribute('customer-number', '+91 98450 12345');
    try {
      root.append(element);
      holder.append(component);
      document.body.append(holder);
      await element.updateComplete;
      await until(() => primaryButton(element).textContent!.trim() === 'कॉल करें', 'the Hindi label, from the lang outside the shadow root');
      holder.lang = 'en';
      await until(() => primaryButton(element).textContent!.trim() === 'Call', 'English, when the page outside switches');
    } finally {
      holder.remove();
    }
  });

  it('follows the page when it switches language, both ways', async () => {
    const { holder, element } = await controlIn('en');
    expect(primaryButton(element).textContent!.trim()).to.equal('Call');
    holder.lang = 'hi';
    await until(() => primaryButton(element).textContent!.trim() === 'कॉल करें', 'the Hindi label');
    holder.lang = 'en-IN';
    await until(() => primaryButton(element).textContent!.trim() === 'Call', 'the English label again');
  });

  it('says what went wrong in Hindi, and the call event carries the same words with the code', async () => {
    const { element } = await controlIn('hi', '+91 98450 12345', MEERA_OFFLINE);
    const errors: CustomEvent[] = [];
    const record = (event: Event) => errors.push(event as CustomEvent);
    element.addEventListener('superfone-call-error', record);
    try {
      await element.start();
      await element.updateComplete;
      const expected = 'आपके Superfone ऐप तक कॉल का अनुरोध नहीं पहुँचा। ऐप खोलकर देखें कि वह साइन इन और ऑनलाइन है, फिर से कोशिश करें।';
      expect(visibleMessage(element)).to.equal(expected);
      expect(primaryButton(element).textContent!.trim()).to.equal('फिर से कोशिश करें');
      expect(errors[0]!.detail.code).to.equal('notification_failed');
      expect(errors[0]!.detail.message).to.equal(expected);
    } finally {
      element.removeEventListener('superfone-call-error', record);
    }
  });

  it('an active call is named and announced in Hindi', async () => {
    const { element } = await controlIn('hi');
    await element.start();
    await element.updateComplete;
    expect(primaryButton(element).textContent!.trim()).to.equal('कॉल काटें');
    expect(primaryButton(element).getAttribute('aria-label')).to.equal('+91 98450 12345 से कॉल काटें');
    expect(announcer().textContent).to.equal('आपका Superfone ऐप +91 98450 12345 को कॉल कर रहा है।');
    expect(announcer().lang, 'the words are marked as Hindi').to.equal('hi');
    await element.end();
  });

  it('a followed call’s outcome is worded in Hindi, its duration by Intl', async () => {
    await simulator.outcome({ kind: 'answered', answerAfterMs: 50, talkMs: 1_200 });
    const { element } = await controlIn('hi', '+918000000102');
    primaryButton(element).click();
    await until(() => element.state === 'active', 'the call to start');
    await until(() => element.state === 'idle', 'the record to end the call');
    expect(visibleMessage(element)).to.equal('कॉल खत्म · 1 से॰');
    await simulator.outcome({ kind: 'missed', ringMs: 100 });
    primaryButton(element).click();
    await until(() => element.state === 'active', 'the second call to start');
    await until(() => visibleMessage(element) === 'किसी ने फ़ोन नहीं उठाया', 'the missed call’s words');
  });

  it('an invalid number is explained in Hindi', async () => {
    const { element } = await controlIn('hi', '12345');
    await until(() => visibleMessage(element) !== '', 'the message');
    expect(visibleMessage(element)).to.equal('“12345” सही फ़ोन नंबर नहीं है, इसलिए इस पर कॉल नहीं हो सकती।');
  });

  it('an integrator adds Tamil with registerMessages; ta-IN finds it through its language', async () => {
    registerMessages('ta', tamil);
    const { element } = await controlIn('ta-IN');
    await until(() => primaryButton(element).textContent!.trim() === 'அழை', 'the Tamil label');
    expect(primaryButton(element).getAttribute('aria-label')).to.equal('+91 98450 12345 ஐ அழை');
  });

  it('a language nobody shipped or registered falls back to English', async () => {
    const { element } = await controlIn('fr');
    expect(primaryButton(element).textContent!.trim()).to.equal('Call');
  });

  it('lang="" (the language is unknown) inside a Hindi page is English, to the words of a refusal', async () => {
    await simulator.fault({ kind: 'rate-limit', retryAfterSeconds: 90 }, 1);
    const holder = await fixture<HTMLElement>(
      html`<div lang="hi"><div lang=""><superfone-call-button customer-number="+91 80000 00001" agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy}></superfone-call-button></div></div>`,
    );
    const element = holder.querySelector('superfone-call-button') as SuperfoneCallButton;
    await element.updateComplete;
    expect(primaryButton(element).textContent!.trim()).to.equal('Call');
    await element.start();
    await element.updateComplete;
    expect(visibleMessage(element)).to.equal('Superfone is limiting call requests right now. Wait 2 minutes, then try again.');
  });

  it('messages on a scope change words for the controls inside; a control’s own messages win', async () => {
    const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call .messages=${{ call: 'Dial' }}>
      <superfone-call-button customer-number="+91 98450 12345" agent-number=${ASHA}></superfone-call-button>
      <superfone-call-button customer-number="+91 98450 12346" agent-number=${ASHA} .messages=${{ call: 'Ring' }}></superfone-call-button>
    </superfone-click-to-call>`);
    const [first, second] = [...scope.querySelectorAll('superfone-call-button')];
    await until(() => primaryButton(first!).textContent!.trim() === 'Dial', 'the scope’s word');
    await until(() => primaryButton(second!).textContent!.trim() === 'Ring', 'the control’s own word');
    expect(primaryButton(first!).getAttribute('aria-label'), 'words not overridden stay').to.equal('Call +91 98450 12345');
  });

  it('detected numbers are named in the scope’s language, and renamed when the page switches', async () => {
    const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call detect lang="hi" agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy}>
      <p>ग्राहक: 98450 12345</p>
    </superfone-click-to-call>`);
    await scope.scanComplete();
    const mark = scope.querySelector('a[data-superfone-detected]')!;
    expect(mark.getAttribute('aria-label')).to.equal('98450 12345 को कॉल करें');
    scope.lang = 'en';
    await until(() => mark.getAttribute('aria-label') === 'Call 98450 12345', 'the English name');
  });
});

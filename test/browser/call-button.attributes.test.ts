import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';

import { DEFAULT_PROXY_PATH, SuperfoneCallButton } from '../../src/index.js';
import { ASHA, callButton, eventsDuring, NOT_ON_SUPERFONE, primaryButton, simulator, visibleMessage } from './helpers.js';

describe('attributes, properties and reflection', () => {
  beforeEach(() => simulator.reset());

  it('importing the package registers the element and its class', () => {
    expect(customElements.get('superfone-call-button')).to.equal(SuperfoneCallButton);
    expect(document.createElement('superfone-call-button')).to.be.instanceOf(SuperfoneCallButton);
  });

  it('has the documented defaults', async () => {
    const element = await fixture<SuperfoneCallButton>(html`<superfone-call-button></superfone-call-button>`);
    expect(element.customerNumber).to.equal('');
    expect(element.agentNumber).to.equal(null);
    expect(element.defaultCountry).to.equal('IN');
    expect(element.proxyUrl).to.equal('/api/superfone/call');
    expect(DEFAULT_PROXY_PATH).to.equal('/api/superfone/call');
    expect(element.disabled).to.equal(false);
    expect(element.state).to.equal('idle');
    expect(element.getAttribute('state')).to.equal('idle');
  });

  it('maps each attribute to its camelCase property', async () => {
    const element = await fixture<SuperfoneCallButton>(html`<superfone-call-button
      customer-number="+91 80000 00001"
      agent-number="+91 98765 43210"
      default-country="GB"
      proxy-url="/crm/call"
      disabled
    ></superfone-call-button>`);
    expect(element.customerNumber).to.equal('+91 80000 00001');
    expect(element.agentNumber).to.equal('+91 98765 43210');
    expect(element.defaultCountry).to.equal('GB');
    expect(element.proxyUrl).to.equal('/crm/call');
    expect(element.disabled).to.equal(true);
  });

  const formats: Array<[string, string]> = [
    ['+91 80000 00001', '+918000000001'],
    ['080000 00001', '+918000000001'],
    ['(080) 0000-0001', '+918000000001'],
    ['tel:+918000000001', '+918000000001'],
    ['0091 98765 43210', '+919876543210'],
    ['98765-43210', '+919876543210'],
    ['+1 (415) 555-0100', '+14155550100'],
  ];
  for (const [written, e164] of formats) {
    it(`normalizes "${written}" to ${e164}`, async () => {
      const element = await callButton(written);
      expect(element.invalid).to.equal(false);
      expect(element.hasAttribute('invalid')).to.equal(false);
      const [event] = await eventsDuring<CustomEvent>('superfone-call-start', async () => {
        document.addEventListener('superfone-call-start', (start) => start.preventDefault(), { once: true });
        await element.start();
      });
      expect(event!.detail.customerNumber).to.equal(e164);
    });
  }

  it('default-country decides numbers written without a country code', async () => {
    // 020 is Pune in India and London in Britain.
    const element = await callButton('020 7946 0958');
    expect(primaryButton(element).getAttribute('aria-label')).to.match(/^Call \+91 /);
    element.defaultCountry = 'GB';
    await element.updateComplete;
    expect(element.invalid).to.equal(false);
    expect(primaryButton(element).getAttribute('aria-label')).to.equal('Call +44 20 7946 0958');
  });

  for (const bad of ['12345', 'call me maybe', '+91 80000 00001&user_number=+919812345678', '']) {
    it(`marks "${bad}" invalid: reflected, not clickable, and says why`, async () => {
      const element = await callButton(bad);
      expect(element.invalid).to.equal(true);
      expect(element.hasAttribute('invalid')).to.equal(true);
      const button = primaryButton(element);
      expect(button.getAttribute('aria-disabled')).to.equal('true');
      expect(button.getAttribute('aria-describedby')).to.equal('message');
      expect(visibleMessage(element)).to.match(bad ? /is not a valid phone number/ : /No customer number/);
      button.click();
      await element.updateComplete;
      expect(element.state).to.equal('idle');
      expect((await simulator.state()).requests).to.have.length(0);
    });
  }

  it('an invalid agent number blocks calls and names the agent number', async () => {
    const element = await callButton('+91 80000 00001', { agentNumber: '555' });
    expect(element.invalid).to.equal(true);
    expect(visibleMessage(element)).to.contain('agent number');
  });

  it('an unknown default-country is reported, not guessed', async () => {
    const element = await callButton('080000 00001');
    element.defaultCountry = 'XX';
    await element.updateComplete;
    expect(element.invalid).to.equal(true);
    expect(visibleMessage(element)).to.contain('default-country');
  });

  it('becomes valid again when the page fixes the number', async () => {
    const element = await callButton('12345');
    element.customerNumber = '98765 43210';
    await element.updateComplete;
    expect(element.hasAttribute('invalid')).to.equal(false);
    expect(visibleMessage(element)).to.equal('');
  });

  it('disabled reflects, disables the Call button and stops start()', async () => {
    const element = await callButton('+91 80000 00001');
    element.disabled = true;
    await element.updateComplete;
    expect(element.hasAttribute('disabled')).to.equal(true);
    expect(primaryButton(element).disabled).to.equal(true);
    await element.start();
    expect(element.state).to.equal('idle');
    expect((await simulator.state()).requests).to.have.length(0);
  });

  it('disabled never traps an agent in a call: End stays usable', async () => {
    const element = await callButton('+91 80000 00001');
    await element.start();
    element.disabled = true;
    await element.updateComplete;
    expect(primaryButton(element).disabled).to.equal(false);
    await element.end();
    expect(element.state).to.equal('idle');
  });

  it('state is the element’s own: setting the attribute from outside changes nothing', async () => {
    const element = await callButton('+91 80000 00001');
    element.setAttribute('state', 'active');
    expect(element.state).to.equal('idle');
    await element.end();
    expect((await simulator.state()).requests).to.have.length(0);
  });
});

describe('the default slot', () => {
  afterEach(() => fixtureCleanup());

  it('is always rendered: a standard control keeps what the page put inside (a no-script fallback) out of view', async () => {
    const element = await fixture<SuperfoneCallButton>(
      html`<superfone-call-button customer-number="+91 98450 12345" agent-number=${ASHA}><span>+91 98450 12345</span></superfone-call-button>`,
    );
    await element.updateComplete;
    const slot = element.shadowRoot!.querySelector('slot')!;
    expect(slot.assignedElements().map((child) => child.tagName)).to.deep.equal(['SPAN']);
    expect(element.querySelector('span')!.getBoundingClientRect().height, 'not shown').to.equal(0);
    element.inline = true;
    await element.updateComplete;
    expect(element.shadowRoot!.querySelector('slot')!.assignedElements().length, 'inline, the same content is the control').to.equal(1);
    expect(element.querySelector('span')!.getBoundingClientRect().height).to.be.above(0);
  });
});

describe('what a control renders', () => {
  beforeEach(() => simulator.reset());

  it('its shadow root holds no white space of its templates (they ship unwrapped): on a call, in a failure, standard and inline', async () => {
    // Text nodes of nothing but white space, in the shadow root and in every part of it.
    const blanks = (element: SuperfoneCallButton) => {
      const found: string[] = [];
      const walker = document.createTreeWalker(element.shadowRoot!, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) if (/^\s+$/.test(node.nodeValue ?? '')) found.push(JSON.stringify(node.nodeValue));
      return found;
    };
    const standard = await callButton('+91 80000 00001');
    await standard.start();
    expect(standard.state).to.equal('active');
    expect(blanks(standard), 'standard, on a call').to.deep.equal([]);
    const failed = await callButton('+91 80000 00002', { agentNumber: NOT_ON_SUPERFONE });
    await failed.start();
    expect(failed.state).to.equal('error');
    expect(visibleMessage(failed)).to.not.equal('');
    expect(blanks(failed), 'standard, failed, with its message').to.deep.equal([]);
    await standard.end();
    const inline = await fixture<SuperfoneCallButton>(
      html`<p>Call <superfone-call-button inline customer-number="+91 80000 00003" agent-number=${ASHA}>80000 00003</superfone-call-button> today</p>`,
    );
    const control = inline.querySelector('superfone-call-button')!;
    await control.updateComplete;
    expect(blanks(control), 'inline, idle').to.deep.equal([]);
    expect(inline.innerText).to.equal('Call 80000 00003 today');
  });
});

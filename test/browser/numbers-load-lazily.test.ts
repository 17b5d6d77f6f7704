// Runs in a page of its own, and imports nothing that loads number handling: the first test
// sees the element exactly as a page sees it before libphonenumber-js has arrived.
import { expect, fixture, html } from '@open-wc/testing';

import { activeCalls, STORAGE_KEY } from '../../src/element/active-calls.js';
import { callingChunk } from '../../src/element/calling-chunk-loader.js';
import type { CallStartDetail, SuperfoneCallButton } from '../../src/index.js';
import { TEST_ROUTES } from '../support/test-routes.js';
import { control, until } from './before-numbers-load.js';

describe('number handling loads after the first render, and a click before it behaves like one after', () => {
  before(async () => {
    localStorage.removeItem(STORAGE_KEY);
    activeCalls().reload();
    await fetch(`${TEST_ROUTES.simulator}/reset`, { method: 'POST', body: '{}' });
  });

  it('clicks before it has loaded wait for it: the start event carries E.164, a veto holds, the call is placed', async () => {
    const seen: CallStartDetail[] = [];
    const record = (event: Event) => seen.push((event as CustomEvent<CallStartDetail>).detail);
    const veto = (event: Event) => {
      if ((event as CustomEvent<CallStartDetail>).detail.customerNumber === '+918000000302') event.preventDefault();
    };
    document.addEventListener('superfone-call-start', record);
    document.addEventListener('superfone-call-start', veto);
    const placed = control('080000 00301');
    const vetoed = control('080000 00302');
    try {
      await placed.updateComplete;
      expect(callingChunk(), 'nothing has loaded number handling yet').to.equal(null);
      // Rendered and usable already: named with the number as the page wrote it, not yet judged.
      expect(placed.shadowRoot!.querySelector('button')!.getAttribute('aria-label')).to.equal('Call 080000 00301');
      expect(placed.hasAttribute('invalid')).to.equal(false);
      const starting = [placed.start(), vetoed.start()];
      expect(callingChunk()).to.equal(null);
      await Promise.all(starting);
      expect(seen.map((detail) => detail.customerNumber)).to.deep.equal(['+918000000301', '+918000000302']);
      expect(placed.state).to.equal('active');
      expect(vetoed.state).to.equal('idle');
      await placed.end();
    } finally {
      document.removeEventListener('superfone-call-start', record);
      document.removeEventListener('superfone-call-start', veto);
      placed.remove();
      vetoed.remove();
    }
  });

  it('a control renders, and is named, before the numbers are checked; invalid is set once they are', async () => {
    const element = await fixture<SuperfoneCallButton>(html`<superfone-call-button customer-number="12345" agent-number="+919876543210"></superfone-call-button>`);
    await until(() => element.hasAttribute('invalid'), 'invalid to be known');
    expect(element.shadowRoot!.querySelector('[part="message"]')!.textContent).to.match(/“12345” is not a valid phone number/);
  });
});

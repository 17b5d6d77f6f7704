// Runs in a page of its own, and imports nothing that loads number handling: the controls
// here render before libphonenumber-js arrives, and nothing but the page's idle time loads it.
import { expect } from '@open-wc/testing';

import { callingChunk } from '../../src/element/calling-chunk-loader.js';
import type { SuperfoneCallButton } from '../../src/index.js';
import { control, until } from './before-numbers-load.js';

describe('controls that rendered before number handling loaded', () => {
  it('are each checked once it loads in idle time, with no click: invalid set, numbers named as people read them', async () => {
    const controls = [control('12345'), control('080000 00303'), control('98450 12345')];
    const [invalid, landline, mobile] = controls as [SuperfoneCallButton, SuperfoneCallButton, SuperfoneCallButton];
    const name = (element: SuperfoneCallButton) => element.shadowRoot!.querySelector('button')!.getAttribute('aria-label');
    try {
      await Promise.all(controls.map((element) => element.updateComplete));
      expect(callingChunk(), 'rendered before number handling').to.equal(null);
      expect(name(mobile)).to.equal('Call 98450 12345');
      await until(() => callingChunk() !== null, 'number handling to load in idle time');
      await until(() => invalid.hasAttribute('invalid'), 'the invalid number to be known');
      await until(() => name(landline) === 'Call +91 80000 00303' && name(mobile) === 'Call +91 98450 12345', 'the numbers to be named as people read them');
      expect(landline.hasAttribute('invalid') || mobile.hasAttribute('invalid')).to.equal(false);
    } finally {
      for (const element of controls) element.remove();
    }
  });
});

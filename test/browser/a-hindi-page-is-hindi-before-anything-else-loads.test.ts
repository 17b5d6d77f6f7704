// Runs in a page of its own that has loaded neither number handling nor any catalogue, as a
// CRM's first visit does. controls-speak-the-page-language runs after helpers.ts has loaded
// number handling, so a control's first render there is past the first-words shortcut; a
// planted bug that let a Hindi control take English's first words passed it, and left the
// control in English for good.
import { expect } from '@open-wc/testing';

import { callingChunk } from '../../src/element/calling-chunk-loader.js';
import { catalogue } from '../../src/element/messages.js';
import { control, until } from './before-numbers-load.js';

describe('on a first visit, before anything else has loaded', () => {
  it('a control in a part of the page marked lang="hi" is in Hindi from its first render, and stays so', async () => {
    expect([callingChunk(), catalogue('hi'), catalogue('en')], 'nothing loaded yet').to.deep.equal([null, undefined, undefined]);
    const holder = document.createElement('div');
    holder.lang = 'hi';
    document.body.append(holder);
    const seen: string[] = [];
    let observer: MutationObserver | undefined;
    try {
      const element = control('+91 98450 12345');
      holder.append(element);
      observer = new MutationObserver(() => seen.push(element.shadowRoot!.textContent!.trim()));
      observer.observe(element.shadowRoot!, { childList: true, subtree: true, characterData: true });
      await element.updateComplete;
      const button = () => element.shadowRoot!.querySelector('button')!;
      expect(button().textContent!.trim()).to.equal('कॉल करें');
      await until(() => callingChunk() !== null, 'number handling to load');
      await element.updateComplete;
      expect(button().textContent!.trim()).to.equal('कॉल करें');
      expect(button().getAttribute('aria-label')).to.equal('+91 98450 12345 को कॉल करें');
      expect(seen.length, 'rendered').to.be.greaterThan(0);
      expect(
        seen.filter((text) => /Call/.test(text)),
        'no English was ever rendered',
      ).to.deep.equal([]);
    } finally {
      observer?.disconnect();
      holder.remove();
    }
  });
});

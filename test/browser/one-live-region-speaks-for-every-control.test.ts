import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';

import type { SuperfoneCallButton } from '../../src/index.js';
import { TEST_ROUTES } from '../support/test-routes.js';
import { announced, announcer, ASHA, simulator, until } from './helpers.js';

/**
 * Every live region in the page, shadow roots included, each as where it is. (Elements are
 * compared by description: a failed comparison of elements makes the runner serialize the page.)
 */
function liveRegions(root: Document | ShadowRoot = document): string[] {
  return [...root.querySelectorAll('*')].flatMap((element) => [
    ...(element.matches('[aria-live], [role="status"], [role="alert"], [role="log"]')
      ? [`${root === document ? 'page' : `shadow root of <${(root as ShadowRoot).host.localName}>`}: <${element.localName}>`]
      : []),
    ...(element.shadowRoot ? liveRegions(element.shadowRoot) : []),
  ]);
}

describe('one live region speaks for every control', () => {
  beforeEach(() => simulator.reset());
  afterEach(() => fixtureCleanup());

  it('a table of 200 controls adds one region to the page, not one each', async () => {
    const table = await fixture<HTMLElement>(html`<table><tbody>
      ${Array.from({ length: 200 }, (_, index) => html`<tr><td><superfone-call-button customer-number=${`+9198450${10000 + index}`} agent-number=${ASHA}></superfone-call-button></td></tr>`)}
    </tbody></table>`);
    await Promise.all([...table.querySelectorAll('superfone-call-button')].map((control) => control.updateComplete));
    expect(liveRegions()).to.deep.equal(['page: <div>']);
    expect(announcer().localName).to.equal('div');
  });

  it('words are marked with the language they are in', async () => {
    const holder = await fixture<HTMLElement>(
      html`<div lang="hi"><superfone-call-button customer-number="+91 98450 12345" agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy}></superfone-call-button></div>`,
    );
    const control = holder.querySelector<SuperfoneCallButton>('superfone-call-button')!;
    // The first click waits for number handling and the Hindi words, as an agent's would.
    await control.start();
    expect(announcer().lang).to.equal('hi');
    expect(announced()).to.equal('आपका Superfone ऐप +91 98450 12345 को कॉल कर रहा है।');
    await control.end();
    expect(announcer().lang).to.equal('hi');
  });

  it('in an open modal dialog the region moves into it (nothing outside a modal is heard), and back out after', async () => {
    const holder = await fixture<HTMLElement>(html`<div>
      <dialog><superfone-call-button customer-number="+91 98450 12345" agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy}></superfone-call-button></dialog>
      <superfone-call-button customer-number="+91 98450 54321" agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy}></superfone-call-button>
    </div>`);
    const dialog = holder.querySelector('dialog')!;
    const [inDialog, outside] = [...holder.querySelectorAll<SuperfoneCallButton>('superfone-call-button')] as [SuperfoneCallButton, SuperfoneCallButton];
    // When the region arrived in the dialog, and when it first spoke there.
    const times: { moved?: number; spoke?: number } = {};
    const observer = new MutationObserver(() => {
      const region = dialog.querySelector('[data-superfone-announcer]');
      if (!region) return;
      times.moved ??= performance.now();
      if (region.textContent) times.spoke ??= performance.now();
    });
    observer.observe(dialog, { childList: true, subtree: true, characterData: true });
    try {
      dialog.showModal();
      await inDialog.start();
      expect(announcer().parentElement === dialog, 'the region is in the dialog').to.equal(true);
      // A region just placed is given a moment before it speaks, or screen readers miss the first words.
      await until(() => announced() === 'Your Superfone app is calling +91 98450 12345.', 'the words in the dialog');
      expect(times.spoke! - times.moved!, 'the pause between placing the region and speaking').to.be.at.least(80);
      await inDialog.end();
      dialog.close();
      await outside.start();
      expect(announcer().parentElement === document.body, 'back in the page').to.equal(true);
      await until(() => announced() === 'Your Superfone app is calling +91 98450 54321.', 'the words outside');
      await outside.end();
    } finally {
      observer.disconnect();
      if (dialog.open) dialog.close();
    }
  });
});

import 'axe-core/axe.min.js';

import { expect, fixture, fixtureCleanup, html } from '@open-wc/testing';
import { emulateMedia, executeServerCommand, sendKeys } from '@web/test-runner-commands';
import type { AxeResults, RunOptions } from 'axe-core';

import type { SuperfoneCallButton, SuperfoneClickToCall } from '../../src/index.js';
import { TEST_ROUTES } from '../support/test-routes.js';
import { announcer, ASHA, innerButtons, MEERA_OFFLINE, primaryButton, simulator, until } from './helpers.js';

/** Chromium's own accessibility tree, as a screen reader gets it, once a frame has been drawn (web-test-runner.config.mjs). */
async function accessibleNodes(): Promise<Array<{ role: string; name: string }>> {
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  return executeServerCommand('accessible-nodes');
}

declare const axe: { run(context: Element, options: RunOptions): Promise<AxeResults> };

/** WCAG 2.2 AA and everything below it, target size (2.5.8) included. */
const WCAG_22_AA: RunOptions = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] }, resultTypes: ['violations'] };

async function violations(context: Element): Promise<string[]> {
  const { violations: found } = await axe.run(context, WCAG_22_AA);
  return found.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

async function controlsIn(lang: string, ...numbers: Array<[customer: string, agent?: string]>): Promise<{ holder: HTMLElement; controls: SuperfoneCallButton[] }> {
  const holder = await fixture<HTMLElement>(html`<div lang=${lang}>
    ${numbers.map(([customer, agent = ASHA]) => html`<p><superfone-call-button customer-number=${customer} agent-number=${agent} proxy-url=${TEST_ROUTES.proxy}></superfone-call-button></p>`)}
  </div>`);
  const controls = [...holder.querySelectorAll('superfone-call-button')];
  for (const control of controls) await control.updateComplete;
  return { holder, controls };
}

const settled = async (element: SuperfoneCallButton) => {
  await element.updateComplete;
  await element.updateComplete;
};

/** Each state, made as an agent would meet it; returns the control to check. */
const STATES: Record<string, (lang: string) => Promise<{ holder: HTMLElement; control: SuperfoneCallButton; finish?: () => Promise<unknown> }>> = {
  idle: async (lang) => {
    const { holder, controls } = await controlsIn(lang, ['+91 98450 12345']);
    return { holder, control: controls[0]! };
  },
  starting: async (lang) => {
    await simulator.fault({ kind: 'slow', delayMs: 1_500 });
    const { holder, controls } = await controlsIn(lang, ['+91 98450 12345']);
    const pending = controls[0]!.start();
    await until(() => controls[0]!.state === 'starting', 'starting');
    return { holder, control: controls[0]!, finish: () => pending };
  },
  active: async (lang) => {
    const { holder, controls } = await controlsIn(lang, ['+91 98450 12345']);
    await controls[0]!.start();
    return { holder, control: controls[0]! };
  },
  ending: async (lang) => {
    const { holder, controls } = await controlsIn(lang, ['+91 98450 12345']);
    await controls[0]!.start();
    await simulator.fault({ kind: 'slow', delayMs: 1_500 });
    const pending = controls[0]!.end();
    await until(() => controls[0]!.state === 'ending', 'ending');
    return { holder, control: controls[0]!, finish: () => pending };
  },
  error: async (lang) => {
    const { holder, controls } = await controlsIn(lang, ['+91 98450 12345', MEERA_OFFLINE]);
    await controls[0]!.start();
    return { holder, control: controls[0]! };
  },
  invalid: async (lang) => {
    const { holder, controls } = await controlsIn(lang, ['12345']);
    await until(() => controls[0]!.invalid, 'invalid');
    return { holder, control: controls[0]! };
  },
  disabled: async (lang) => {
    const { holder, controls } = await controlsIn(lang, ['+91 98450 12345']);
    controls[0]!.disabled = true;
    return { holder, control: controls[0]! };
  },
  'agent busy': async (lang) => {
    const { holder, controls } = await controlsIn(lang, ['+91 98450 12345'], ['+91 98450 12346']);
    await controls[0]!.start();
    await until(() => controls[1]!.hasAttribute('agent-busy'), 'agent busy');
    return { holder, control: controls[1]! };
  },
};

describe('accessible in every state, in English and Hindi (axe-core, WCAG 2.2 AA)', () => {
  beforeEach(() => simulator.reset());
  afterEach(() => fixtureCleanup());

  for (const lang of ['en', 'hi']) {
    for (const [state, make] of Object.entries(STATES)) {
      it(`${state} (${lang}): no violations, and every button at least 24×24 px`, async () => {
        const { holder, control, finish } = await make(lang);
        try {
          await settled(control);
          expect(await violations(holder)).to.deep.equal([]);
          for (const button of innerButtons(control)) {
            const { width, height } = button.getBoundingClientRect();
            expect(Math.min(width, height), `${button.textContent} is ${width}×${height}`).to.be.at.least(24);
          }
        } finally {
          await finish?.();
        }
      });
    }

    it(`detected numbers and the page's own tel: links, unused and in a call (${lang}): no violations, names never doubled`, async () => {
      const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call detect lang=${lang} agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy}>
        <p>Lead: Priya, 98450 12345 · <a href="tel:+919845012346">Call Rahul</a></p>
      </superfone-click-to-call>`);
      await scope.scanComplete();
      expect(await violations(scope)).to.deep.equal([]);
      const link = scope.querySelector<HTMLAnchorElement>('a[href="tel:+919845012346"]')!;
      link.click();
      await until(() => link.parentElement?.getAttribute('state') === 'active', 'the link’s call to be on');
      await (link.parentElement as SuperfoneCallButton).updateComplete;
      expect(
        link.getAttributeNames().filter((name) => name.startsWith('aria-')),
        'nothing is written onto the page’s own link',
      ).to.deep.equal([]);
      // What a screen reader meets, from the browser's own accessibility tree: the link by its own name, then the call's state.
      const inProgress = lang === 'hi' ? 'कॉल चल रही है: काटने के लिए दबाएँ' : 'Call in progress: activate to end it';
      const nodes = await accessibleNodes();
      const linkAt = nodes.findIndex((node) => node.role === 'link' && node.name === 'Call Rahul');
      expect(linkAt, 'the link keeps its name').to.be.at.least(0);
      expect(
        nodes.findIndex((node) => node.name === inProgress),
        'the state is said right after it',
      ).to.be.above(linkAt);
      expect(await violations(scope)).to.deep.equal([]);
      const mark = scope.querySelector<HTMLAnchorElement>('a[data-superfone-detected]')!;
      expect(mark.getAttribute('aria-label')).to.equal(lang === 'hi' ? '98450 12345 को कॉल करें' : 'Call 98450 12345');
      link.click();
      await until(() => link.parentElement?.getAttribute('state') === 'idle', 'the call to end');
      await (link.parentElement as SuperfoneCallButton).updateComplete;
      expect(
        (await accessibleNodes()).some((node) => node.name === inProgress),
        'idle again: the state is no longer said',
      ).to.equal(false);
    });

    it(`a page's aria-label on the control names its Call button, in every check axe makes (${lang})`, async () => {
      // The page's name holds the visible label, as WCAG 2.5.3 asks (axe checks it).
      const label = lang === 'hi' ? 'प्रिया (लीड) को कॉल करें' : 'Call Priya, the lead';
      const holder = await fixture<HTMLElement>(
        html`<div lang=${lang}><superfone-call-button aria-label=${label} customer-number="+91 98450 12345" agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy}></superfone-call-button></div>`,
      );
      const control = holder.querySelector('superfone-call-button')!;
      await settled(control);
      expect(primaryButton(control).getAttribute('aria-label')).to.equal(label);
      // Chromium also names the host, a generic node that screen readers do not stop at: the button is the one control.
      expect((await accessibleNodes()).filter((node) => node.name === label && node.role !== 'generic').map((node) => node.role)).to.deep.equal(['button']);
      expect(await violations(holder)).to.deep.equal([]);
      control.setAttribute('aria-label', `${label} 2`);
      await control.updateComplete;
      expect(primaryButton(control).getAttribute('aria-label'), 'a change is passed on').to.equal(`${label} 2`);
      // The page named its Call action only: on a call, End is named for the call in our words.
      await (control as SuperfoneCallButton).start();
      await control.updateComplete;
      expect(primaryButton(control).getAttribute('aria-label')).to.equal(lang === 'hi' ? '+91 98450 12345 से कॉल काटें' : 'End call with +91 98450 12345');
      await (control as SuperfoneCallButton).end();
    });
  }

  const HEARD = {
    en: ['Calling +91 98450 12345…', 'Your Superfone app is calling +91 98450 12345.', 'Ending the call…', 'Call ended.'],
    hi: ['+91 98450 12345 को कॉल लग रही है…', 'आपका Superfone ऐप +91 98450 12345 को कॉल कर रहा है।', 'कॉल काटी जा रही है…', 'कॉल खत्म हुई।'],
  };
  for (const lang of ['en', 'hi'] as const)
    it(`keyboard only (${lang}): Tab, Enter to call, Enter to end; focus stays on the control and each change is announced once`, async () => {
      const before = document.createElement('button');
      before.textContent = 'before';
      const { holder, controls } = await controlsIn(lang, ['+91 98450 12345']);
      holder.prepend(before);
      const control = controls[0]!;
      const region = announcer();
      const heard: string[] = [];
      const observer = new MutationObserver(() => heard.push(region.textContent ?? ''));
      observer.observe(region, { childList: true, subtree: true, characterData: true });
      try {
        before.focus();
        await sendKeys({ press: 'Tab' });
        const button = primaryButton(control);
        expect(control.shadowRoot!.activeElement === button, 'Tab reaches the Call button').to.equal(true);
        await sendKeys({ press: 'Enter' });
        await until(() => control.state === 'active', 'the call to be on');
        expect(control.shadowRoot!.activeElement === primaryButton(control), 'focus stays on the control').to.equal(true);
        await sendKeys({ press: 'Enter' });
        await until(() => control.state === 'idle', 'the call to end');
        await settled(control);
        expect(control.shadowRoot!.activeElement === primaryButton(control), 'focus stays after the call').to.equal(true);
        expect(heard.filter(Boolean)).to.deep.equal(HEARD[lang]);
      } finally {
        observer.disconnect();
      }
    });

  it('keyboard only on a detected number: Tab to it, Enter calls, focus stays on it, Enter ends', async () => {
    const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call detect agent-number=${ASHA} proxy-url=${TEST_ROUTES.proxy}>
      <button>before</button><p>Lead: Priya, 98450 12345</p>
    </superfone-click-to-call>`);
    await scope.scanComplete();
    scope.querySelector('button')!.focus();
    await sendKeys({ press: 'Tab' });
    const mark = scope.querySelector<HTMLAnchorElement>('a[data-superfone-detected]')!;
    expect(document.activeElement === mark, 'Tab reaches the number').to.equal(true);
    await sendKeys({ press: 'Enter' });
    await until(() => mark.parentElement?.getAttribute('state') === 'active', 'the call to be on');
    expect(document.activeElement === mark, 'focus stays on the number').to.equal(true);
    expect(mark.getAttribute('aria-label')).to.equal('End call with 98450 12345');
    await sendKeys({ press: 'Enter' });
    await until(() => mark.parentElement?.getAttribute('state') === 'idle', 'the call to end');
  });

  it('forced colors: the focused control has a visible solid outline', async () => {
    await emulateMedia({ forcedColors: 'active' });
    try {
      const { holder, controls } = await controlsIn('en', ['+91 98450 12345']);
      const before = document.createElement('button');
      holder.prepend(before);
      before.focus();
      await sendKeys({ press: 'Tab' });
      const style = getComputedStyle(primaryButton(controls[0]!));
      expect(matchMedia('(forced-colors: active)').matches).to.equal(true);
      expect(style.outlineStyle).to.equal('solid');
      expect(parseFloat(style.outlineWidth)).to.be.at.least(2);
      expect(style.borderStyle, 'the button is outlined as a button').to.equal('solid');
    } finally {
      await emulateMedia({ forcedColors: 'none' });
    }
  });

  it('reduced motion: the busy spinner does not spin', async () => {
    await emulateMedia({ reducedMotion: 'reduce' });
    await simulator.fault({ kind: 'slow', delayMs: 1_000 });
    const { controls } = await controlsIn('en', ['+91 98450 12345']);
    const pending = controls[0]!.start();
    try {
      await until(() => controls[0]!.state === 'starting', 'starting');
      await settled(controls[0]!);
      const spinner = controls[0]!.shadowRoot!.querySelector('.spinner')!;
      expect(getComputedStyle(spinner).animationName).to.equal('none');
    } finally {
      await pending;
      await emulateMedia({ reducedMotion: 'no-preference' });
    }
  });

  for (const lang of ['en', 'hi']) {
    it(`text at 200 % in a 320 px column (${lang}): nothing clipped, the message wraps`, async () => {
      const holder = await fixture<HTMLElement>(html`<div lang=${lang} style="font-size: 200%; width: 320px">
        <superfone-call-button customer-number="+91 98450 12345" agent-number=${MEERA_OFFLINE} proxy-url=${TEST_ROUTES.proxy}></superfone-call-button>
      </div>`);
      const control = holder.querySelector('superfone-call-button')!;
      await control.start();
      await settled(control);
      const message = control.shadowRoot!.querySelector<HTMLElement>('[part="message"]')!;
      for (const part of [...innerButtons(control), message]) {
        expect(part.scrollWidth, `${part.textContent} fits its box`).to.be.at.most(part.clientWidth + 1);
        expect(part.getBoundingClientRect().right, `${part.textContent} stays in the column`).to.be.at.most(holder.getBoundingClientRect().right + 1);
      }
      expect(message.getBoundingClientRect().height, 'the message wraps onto lines').to.be.greaterThan(parseFloat(getComputedStyle(message).lineHeight) * 1.5);
    });
  }
});

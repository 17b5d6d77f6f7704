import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';

import type { SuperfoneCallButton, SuperfoneClickToCall } from '../../src/index.js';
import { fillRows } from './detection-helpers.js';
import { ASHA, simulator, until } from './helpers.js';

function scannerLoaded(): boolean {
  return performance.getEntriesByType('resource').some((entry) => entry.name.includes('/detection/page-scanner'));
}

async function detectingScope(content: ReturnType<typeof html>, attributes: { ignore?: string; shadowRoots?: 'open' | 'none' } = {}) {
  const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call
    detect
    agent-number=${ASHA}
    ignore=${attributes.ignore ?? ''}
    shadow-roots=${attributes.shadowRoots ?? 'open'}
    >${content}</superfone-click-to-call
  >`);
  await scope.scanComplete();
  return scope;
}

/** Detection's marks: `tel:` links around the numbers' own text. */
function detected(root: ParentNode): HTMLAnchorElement[] {
  return [...root.querySelectorAll<HTMLAnchorElement>('a[data-superfone-detected]')];
}

function numberOf(mark: HTMLAnchorElement): string {
  return mark.getAttribute('href')!.replace(/^tel:/, '');
}

function controlOf(mark: HTMLAnchorElement): SuperfoneCallButton {
  const control = mark.parentElement;
  if (control?.localName !== 'superfone-call-button') throw new Error('the mark is not a control');
  return control as SuperfoneCallButton;
}

describe('detection: numbers in text and links become call links', () => {
  beforeEach(() => simulator.reset());

  it('fetches the detection code only once a scope uses detect', async () => {
    await fixture(html`<superfone-click-to-call agent-number=${ASHA}><p>Call 98450 12345</p></superfone-click-to-call>`);
    expect(scannerLoaded()).to.equal(false);
    await detectingScope(html`<p>Call 98450 12345</p>`);
    expect(scannerLoaded()).to.equal(true);
  });

  it('marks each number without changing what the page shows', async () => {
    const scope = await detectingScope(html`<div class="note">
      Spoke to Ravi on 98450 12345 and his office (080) 2345-6789; invoice INV-2024-000123 due 15/03/2024, ₹1,23,456.00.
    </div>`);
    const marks = detected(scope);
    expect(marks.map((mark) => mark.textContent)).to.deep.equal(['98450 12345', '(080) 2345-6789']);
    expect(marks.map(numberOf)).to.deep.equal(['+919845012345', '+918023456789']);
    // Light DOM and nothing to render: no element with a shadow root per number.
    expect(scope.querySelectorAll('superfone-call-button')).to.have.length(0);
    expect(scope.querySelector('.note')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'Spoke to Ravi on 98450 12345 and his office (080) 2345-6789; invoice INV-2024-000123 due 15/03/2024, ₹1,23,456.00.',
    );
  });

  it('a detected number is a link named "Call <number>" the page can style; Tab reaches it and Enter calls, with focus kept on it', async () => {
    const style = document.createElement('style');
    style.textContent = 'a[data-superfone-detected] { color: rgb(1, 2, 3); }';
    document.head.append(style);
    const before = document.createElement('button');
    let control: SuperfoneCallButton | undefined;
    try {
      const scope = await detectingScope(html`<p>Mobile: 98450 12345</p>`);
      const [mark] = detected(scope);
      expect(mark!.getAttribute('aria-label')).to.equal('Call 98450 12345');
      expect(getComputedStyle(mark!).color).to.equal('rgb(1, 2, 3)');
      await expect(scope).to.be.accessible();
      before.textContent = 'before';
      scope.before(before);
      before.focus();
      await sendKeys({ press: 'Tab' });
      // Compared as a boolean: a failing equal() on elements would print the whole page.
      expect(document.activeElement === mark, 'Tab reaches the number').to.equal(true);
      const started = oneEvent(document.body, 'superfone-call-started');
      await sendKeys({ press: 'Enter' });
      expect((await started).detail.customerNumber).to.equal('+919845012345');
      control = controlOf(mark!);
      expect(control.getAttribute('state')).to.equal('active');
      expect(document.activeElement === mark, 'focus stays on the number').to.equal(true);
      expect(mark!.getAttribute('aria-label'), 'named for what it does now').to.equal('End call with 98450 12345');
      await expect(scope).to.be.accessible();
    } finally {
      await control?.end();
      before.remove();
      style.remove();
    }
  });

  it('a detected number looks like a link in the page’s own colour, in a shadow root too, and any rule of the page’s wins', async () => {
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).innerHTML = '<p style="color: rgb(4, 5, 6)">Widget: 98450 12345</p>';
    const scope = await detectingScope(html`<p style="color: rgb(7, 8, 9)">Mobile: 98450 12346</p>${host}`);
    const look = (mark: HTMLAnchorElement) => {
      const style = getComputedStyle(mark);
      return [style.color, style.textDecorationLine, style.textDecorationStyle, style.cursor];
    };
    const [inPage] = detected(scope);
    const [inShadow] = detected(host.shadowRoot!);
    expect(look(inPage!)).to.deep.equal(['rgb(7, 8, 9)', 'underline', 'dotted', 'pointer']);
    expect(look(inShadow!)).to.deep.equal(['rgb(4, 5, 6)', 'underline', 'dotted', 'pointer']);
    const pageRule = document.createElement('style');
    pageRule.textContent = 'a { text-decoration: none; cursor: default }';
    document.head.append(pageRule);
    try {
      expect(look(inPage!), 'a bare type selector of the page wins').to.deep.equal(['rgb(7, 8, 9)', 'none', 'solid', 'default']);
    } finally {
      pageRule.remove();
    }
  });

  it('a detected number calls like a button: same events, E.164 in the detail, veto honoured', async () => {
    const scope = await detectingScope(html`<p>Call 98450 12345</p><p>Or 99000 12345</p>`);
    const [first, second] = detected(scope);
    const veto = (event: Event) => {
      if ((event as CustomEvent).detail.customerNumber === '+919900012345') event.preventDefault();
    };
    document.addEventListener('superfone-call-start', veto);
    let leftPage = true;
    const noteDefault = (event: Event) => (leftPage = !event.defaultPrevented);
    document.addEventListener('click', noteDefault);
    try {
      const start = oneEvent(document.body, 'superfone-call-start');
      const started = oneEvent(document.body, 'superfone-call-started');
      first!.click();
      expect(leftPage, 'the tel: link does not leave the page').to.equal(false);
      expect((await start).detail.customerNumber).to.equal('+919845012345');
      await started;
      expect(controlOf(first!).getAttribute('state')).to.equal('active');
      await controlOf(first!).end();
      second!.click();
      const vetoed = controlOf(second!);
      await vetoed.updateComplete;
      expect(vetoed.state).to.equal('idle');
      expect((await simulator.state()).notifications.filter((note) => note.customerNumber === '+919900012345')).to.have.length(0);
    } finally {
      document.removeEventListener('superfone-call-start', veto);
      document.removeEventListener('click', noteDefault);
    }
  });

  it('never touches code, form fields, editable or ignored content', async () => {
    const scope = await detectingScope(
      html`<script type="text/plain">98450 12345</script>
        <style>
          /* 98450 12345 */
        </style>
        <textarea>98450 12345</textarea>
        <input value="98450 12345" />
        <select>
          <option>98450 12345</option>
        </select>
        <div contenteditable="true">98450 12345</div>
        <div data-superfone-ignore><span>98450 12345</span></div>
        <div class="legal">98450 12345</div>
        <p>98450 12345</p>`,
      { ignore: '.legal' },
    );
    const marks = detected(scope);
    expect(marks).to.have.length(1);
    expect(marks[0]!.parentElement!.tagName).to.equal('P');
  });

  it('a second scan of processed text marks nothing twice', async () => {
    const scope = await detectingScope(html`<p>Call 98450 12345</p>`);
    scope.ignore = '.nothing';
    await scope.scanComplete();
    expect(detected(scope)).to.have.length(1);
    expect(scope.querySelectorAll('a a')).to.have.length(0);
  });

  it('searches open shadow roots, unless shadow-roots="none"', async () => {
    const host = document.createElement('div');
    host.attachShadow({ mode: 'open' }).innerHTML = '<p>Widget: 98450 12345</p>';
    const scope = await detectingScope(html`${host}`);
    expect(detected(host.shadowRoot!)).to.have.length(1);

    const closedToo = document.createElement('div');
    closedToo.attachShadow({ mode: 'open' }).innerHTML = '<p>Widget: 98450 12345</p>';
    await detectingScope(html`${closedToo}`, { shadowRoots: 'none' });
    expect(detected(closedToo.shadowRoot!)).to.have.length(0);
    expect(scope).to.exist;
  });

  it('a tel: link calls through Superfone instead of leaving the page', async () => {
    const scope = await detectingScope(html`<p><a href="tel:+919845012345">Ravi’s mobile</a></p>`);
    const link = scope.querySelector('a')!;
    expect(link.parentElement!.localName, 'left as the page wrote it until used').to.equal('p');
    let leftPage = true;
    document.addEventListener('click', (event) => (leftPage = !event.defaultPrevented), { once: true });
    const started = oneEvent(document.body, 'superfone-call-started');
    link.click();
    expect(leftPage).to.equal(false);
    expect(link.parentElement!.matches('superfone-call-button[inline]')).to.equal(true);
    expect((await started).detail.customerNumber).to.equal('+919845012345');
  });

  it('a modifier-click on a tel: link keeps the browser default and calls nothing', async () => {
    const scope = await detectingScope(html`<p><a href="callto:+919845012345">Call Ravi</a></p>`);
    const link = scope.querySelector('a')!;
    let prevented: boolean | undefined;
    document.addEventListener('click', (event) => (prevented = event.defaultPrevented), { once: true });
    // Not dispatched for real: a real ctrl-click on tel: would hand off to the OS.
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true }));
    expect(prevented).to.equal(false);
    // Every modifier the browser gives a link a meaning for (new tab, new window, download), and the middle button.
    for (const modifier of [{ metaKey: true }, { shiftKey: true }, { altKey: true }, { button: 1 }]) {
      document.addEventListener('click', (event) => (prevented = event.defaultPrevented), { once: true });
      link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, ...modifier }));
      expect(prevented, JSON.stringify(modifier)).to.equal(false);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await simulator.state()).requests).to.have.length(0);
  });

  it('a control’s own slotted tel: link: a modifier or middle click keeps the browser default and calls nothing; a plain click calls', async () => {
    const control = await fixture<SuperfoneCallButton>(
      html`<superfone-call-button inline customer-number="+919845012345" agent-number=${ASHA}><a href="tel:+919845012345">Call Ravi</a></superfone-call-button>`,
    );
    const link = control.querySelector('a')!;
    for (const modifier of [{ ctrlKey: true }, { metaKey: true }, { shiftKey: true }, { altKey: true }, { button: 1 }]) {
      let prevented: boolean | undefined;
      document.addEventListener('click', (event) => (prevented = event.defaultPrevented), { once: true });
      link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true, ...modifier }));
      expect(prevented, JSON.stringify(modifier)).to.equal(false);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await simulator.state()).requests).to.have.length(0);
    const started = oneEvent(control, 'superfone-call-started');
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
    expect((await started).detail.customerNumber).to.equal('+919845012345');
  });

  it('leaves a tel: link with a number it cannot call alone', async () => {
    const scope = await detectingScope(html`<a href="tel:12">short code</a>`);
    const link = scope.querySelector('a')!;
    let prevented: boolean | undefined;
    document.addEventListener('click', (event) => (prevented = event.defaultPrevented), { once: true });
    // Not clicked for real: a real click on tel: would hand off to the OS.
    link.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(prevented).to.equal(false);
    expect(link.parentElement).to.equal(scope);
  });
});

describe('detection: content that changes later', () => {
  beforeEach(() => simulator.reset());

  it('picks up rows added later, as a single-page app or infinite scroll adds them', async () => {
    const scope = await detectingScope(html`<table><tbody></tbody></table>`);
    const body = scope.querySelector('tbody')!;
    body.insertAdjacentHTML('beforeend', '<tr><td>Arjun</td><td>98450 12345</td></tr><tr><td>Order #4521983</td><td>15/03/2024</td></tr>');
    await new Promise((resolve) => setTimeout(resolve, 0));
    await scope.scanComplete();
    expect(detected(scope).map(numberOf)).to.deep.equal(['+919845012345']);
  });

  it('text changed in place is searched again: a recycled row gets its new number', async () => {
    const scope = await detectingScope(html`<p class="cell">98450 12345</p>`);
    const numberText = detected(scope)[0]!.firstChild as Text;
    numberText.data = '99000 12345';
    await new Promise((resolve) => setTimeout(resolve, 0));
    await scope.scanComplete();
    expect(detected(scope).map(numberOf)).to.deep.equal(['+919900012345']);
    expect(scope.querySelector('.cell')!.textContent).to.equal('99000 12345');
  });

  it('one text changed in place to hold a number, and nothing else to do, is searched too', async () => {
    const scope = await detectingScope(html`<p class="cell">No number yet</p>`);
    (scope.querySelector('.cell')!.firstChild as Text).data = 'Call 98450 12345';
    await new Promise((resolve) => setTimeout(resolve, 0));
    await scope.scanComplete();
    expect(detected(scope).map(numberOf)).to.deep.equal(['+919845012345']);
  });

  it('a 5,000-row table added at once: rows on screen marked first, in slices; then every other row in idle time, within seconds', async () => {
    const scope = await detectingScope(html`<table><tbody></tbody></table>`);
    const body = scope.querySelector('tbody')!;
    fillRows(body, 0, 5000);
    try {
      scope.scrollIntoView();
      await new Promise((resolve) => setTimeout(resolve, 0));
      await scope.scanComplete();
      const stats = scope.scanStats!;
      const markedAtScanEnd = stats.numbersMarked;
      console.log(`5,000 rows: ${stats.numbersFound} found, ${markedAtScanEnd} marked when the scan ended, ${stats.slices} slices, longest ${stats.longestSliceMs.toFixed(1)} ms`);
      expect(stats.numbersFound, 'every number was searched').to.equal(5000);
      expect(stats.slices).to.be.greaterThan(1, 'the work was cut into slices');
      await until(() => body.rows[0]!.querySelector('a[data-superfone-detected]') !== null, 'the first row, on screen, to be marked');
      expect(markedAtScanEnd, 'the rows near the screen come first, the rest later').to.be.lessThan(5000);
      const last = body.rows[4999]!;
      await until(() => detected(scope).length === 5000, 'every row to be marked in idle time', 10_000);
      expect(numberOf(last.querySelector('a[data-superfone-detected]')!)).to.equal('+919845004999');
      expect(last.innerText.replace(/\s+/g, ' ').trim()).to.equal('Lead 4999 98450 04999 INV-2024-004999');
    } finally {
      body.replaceChildren();
      window.scrollTo(0, 0);
    }
  });

  it('removing detected content leaves no control behind in the page', async () => {
    const scope = await detectingScope(html`<section><p>98450 12345</p></section>`);
    scope.querySelector('section')!.remove();
    await scope.scanComplete();
    expect(document.querySelectorAll('[data-superfone-detected]')).to.have.length(0);
  });
});

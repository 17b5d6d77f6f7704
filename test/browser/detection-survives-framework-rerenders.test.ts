import { expect, fixture, html } from '@open-wc/testing';

import type { SuperfoneClickToCall } from '../../src/index.js';
import { ASHA, simulator } from './helpers.js';

/**
 * What frameworks do to the nodes they rendered, done here by hand as React, Vue and
 * Svelte do it (`nodeValue` on their own text node, `removeChild`, `insertBefore` with an
 * anchor read from the DOM, `textContent` on the parent), on text that detection split.
 * The page must read as the framework wrote it, and only numbers in it may be callable.
 */

async function detectingScope(): Promise<SuperfoneClickToCall> {
  const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call detect agent-number=${ASHA}></superfone-click-to-call>`);
  await scope.scanComplete();
  return scope;
}

/** The customer numbers a person can call right now: detection's marks in the page. */
function callable(root: Element): string[] {
  return [...root.querySelectorAll<HTMLAnchorElement>('a[data-superfone-detected]')]
    .filter((mark) => mark.isConnected)
    .map((mark) => mark.getAttribute('href')!.replace(/^tel:/, ''))
    .sort();
}

/** What a person reads and copies: textContent, innerText, and a selection's text. */
function reads(element: HTMLElement): { text: string; innerText: string; copied: string } {
  const selection = document.getSelection()!;
  const range = document.createRange();
  range.selectNodeContents(element);
  selection.removeAllRanges();
  selection.addRange(range);
  const copied = selection.toString();
  selection.removeAllRanges();
  return { text: element.textContent!, innerText: element.innerText, copied };
}

function expectReads(element: HTMLElement, expected: string): void {
  expect(reads(element)).to.deep.equal({ text: expected, innerText: expected, copied: expected });
}

/** A paragraph holding one text node, as a framework renders `<p>{note}</p>`. */
async function renderedNote(scope: SuperfoneClickToCall, note: string): Promise<{ p: HTMLParagraphElement; node: Text }> {
  const p = document.createElement('p');
  const node = document.createTextNode(note);
  p.append(node);
  scope.append(p);
  await scope.scanComplete();
  return { p, node };
}

describe('detection under a framework that re-renders the text it owns', () => {
  beforeEach(() => simulator.reset());

  it('a detected number reads exactly as written: textContent, innerText and copied text keep the space after it', async () => {
    const scope = await detectingScope();
    const { p } = await renderedNote(scope, 'Call back Arjun on 91234 56789 regarding the order');
    expect(callable(scope)).to.deep.equal(['+919123456789']);
    expectReads(p, 'Call back Arjun on 91234 56789 regarding the order');
  });

  it('nodeValue set on the split node (React, Vue, Svelte): the old mark is gone before the page is drawn, the new number is callable', async () => {
    const scope = await detectingScope();
    const { p, node } = await renderedNote(scope, 'Call back Arjun on 91234 56789 regarding the order');
    node.nodeValue = 'Call back Arjun on 098450 12345 regarding the order';
    await Promise.resolve(); // the mutation observer has run; no task, no frame, no click in between
    expect(callable(scope), 'no stale mark survives the update').to.not.include('+919123456789');
    expect(p.textContent).to.equal('Call back Arjun on 098450 12345 regarding the order');
    await scope.scanComplete();
    expect(callable(scope)).to.deep.equal(['+919845012345']);
    expectReads(p, 'Call back Arjun on 098450 12345 regarding the order');
    node.nodeValue = 'No number on file';
    await scope.scanComplete();
    expect(callable(scope)).to.deep.equal([]);
    expectReads(p, 'No number on file');
  });

  it('two numbers in one node, then one of them edited', async () => {
    const scope = await detectingScope();
    const { p, node } = await renderedNote(scope, 'Mobile 98450 12345, office 080 2345 6789.');
    expect(callable(scope)).to.deep.equal(['+918023456789', '+919845012345']);
    node.nodeValue = 'Mobile 98450 99999, office 080 2345 6789.';
    await scope.scanComplete();
    expect(callable(scope)).to.deep.equal(['+918023456789', '+919845099999']);
    expectReads(p, 'Mobile 98450 99999, office 080 2345 6789.');
  });

  it('the node removed by its owner (removeChild): nothing of it stays behind', async () => {
    const scope = await detectingScope();
    const { p, node } = await renderedNote(scope, 'Call 98450 12345 today');
    const next = document.createElement('span');
    next.textContent = 'Noted';
    p.append(next);
    await scope.scanComplete();
    p.removeChild(node);
    await Promise.resolve();
    expect(callable(scope)).to.deep.equal([]);
    expectReads(p, 'Noted');
  });

  it('the node moved by its owner (insertBefore elsewhere): whole at its new place, callable there', async () => {
    const scope = await detectingScope();
    const { node } = await renderedNote(scope, 'Call 98450 12345 today');
    const other = document.createElement('p');
    scope.append(other);
    other.insertBefore(node, null);
    await scope.scanComplete();
    expect(callable(scope)).to.deep.equal(['+919845012345']);
    expectReads(other, 'Call 98450 12345 today');
    expectReads(scope.querySelector('p')!, '');
  });

  it('a node inserted right after the split node, at an anchor read from the DOM (Vue): text in the order written', async () => {
    const scope = await detectingScope();
    const { p, node } = await renderedNote(scope, 'Call 98450 12345');
    const badge = document.createElement('b');
    badge.textContent = ' (primary)';
    p.insertBefore(badge, node.nextSibling);
    await scope.scanComplete();
    expectReads(p, 'Call 98450 12345 (primary)');
    expect(callable(scope)).to.deep.equal(['+919845012345']);
  });

  it('a subtree kept aside and put back later (Vue’s KeepAlive, a cached route), then its node rewritten', async () => {
    const scope = await detectingScope();
    const { p, node } = await renderedNote(scope, 'Call 98450 12345 today');
    p.remove();
    await scope.scanComplete();
    await new Promise((resolve) => setTimeout(resolve, 20));
    scope.append(p);
    await scope.scanComplete();
    node.nodeValue = 'Call 98450 99999 today';
    await scope.scanComplete();
    expect(callable(scope)).to.deep.equal(['+919845099999']);
    expectReads(p, 'Call 98450 99999 today');
  });

  it('textContent set on the parent, and rows re-sorted and filtered', async () => {
    const scope = await detectingScope();
    const table = document.createElement('table');
    const rows = [
      ['Asha', '98450 11111'],
      ['Ravi', '98450 22222'],
      ['Zoya', '98450 33333'],
    ].map(([name, phone]) => {
      const row = table.insertRow();
      row.insertCell().textContent = name!;
      row.insertCell().append(document.createTextNode(`Mobile ${phone}`));
      return row;
    });
    scope.append(table);
    await scope.scanComplete();
    expect(callable(scope)).to.deep.equal(['+919845011111', '+919845022222', '+919845033333']);
    // Sorted descending: rows moved as a keyed list moves them.
    for (const row of [...rows].reverse()) table.tBodies[0]!.append(row);
    // Filtered: Ravi's row removed.
    rows[1]!.remove();
    // Edited through the parent.
    rows[0]!.cells[1]!.textContent = 'Mobile 98450 44444';
    await scope.scanComplete();
    expect(callable(scope)).to.deep.equal(['+919845033333', '+919845044444']);
    expect([...table.rows].map((row) => row.innerText.replace(/\s+/g, ' ').trim())).to.deep.equal(['Zoya Mobile 98450 33333', 'Asha Mobile 98450 44444']);
  });

  it('where no mark can safely go, a number stays plain text: inside another link or button, or in SVG', async () => {
    const scope = await detectingScope();
    const box = document.createElement('div');
    box.innerHTML = `<a href="/contacts/7">Arjun, 98450 12345</a>
      <button type="button">Copy 98450 12345</button>
      <span role="button" tabindex="0">Dial 98450 12345</span>
      <svg width="200" height="20"><text x="0" y="15">98450 12345</text></svg>
      <p>And here it is callable: 98450 12345</p>`;
    scope.append(box);
    await scope.scanComplete();
    expect(callable(scope)).to.deep.equal(['+919845012345']);
    expect(box.querySelectorAll('[data-superfone-detected]').length).to.equal(1);
    expect(box.querySelector('p > a[data-superfone-detected]')).to.exist;
  });

  it('turning detection off gives the page its own text nodes back, whole', async () => {
    const scope = await detectingScope();
    const { p, node } = await renderedNote(scope, 'Call 98450 12345 today');
    scope.detect = false;
    await scope.updateComplete;
    expect(callable(scope)).to.deep.equal([]);
    expect(p.childNodes.length).to.equal(1);
    expect(p.firstChild).to.equal(node);
    expectReads(p, 'Call 98450 12345 today');
  });
});

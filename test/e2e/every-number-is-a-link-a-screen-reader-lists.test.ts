import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import type { Browser } from 'playwright';

import { drawFramesAsAScreenWould, linksInAccessibilityTree } from '../support/accessibility-tree.js';
import { launchChromium } from '../support/chromium.mjs';
import { type ElementPageServer, startElementPageServer } from '../support/element-page-server.js';

// A blind agent meets a page through its screen reader's list of links (NVDA's elements
// list, VoiceOver's rotor) and browse mode, both read from the browser's accessibility tree.
// Detection marks the rows near the screen first; every other number must become a link in
// that tree within seconds, not only once scrolled to. Chromium's own tree is the judge.
const ROWS = 2_000;

const PAGE = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Leads</title>
<script type="module" src="/assets/index.js"></script>
<main><h1>Leads</h1>
<superfone-click-to-call detect agent-number="+919876543210" default-country="IN">
  <table><thead><tr><th>Lead</th><th>Phone</th><th>Invoice</th><th>Date</th></tr></thead><tbody></tbody></table>
</superfone-click-to-call></main>
<script type="module">
  const rows = [];
  for (let index = 0; index < ${ROWS}; index++) {
    const mobile = String(9845000000 + index);
    rows.push('<tr><td>Lead ' + index + '</td><td>' + mobile.slice(0, 5) + ' ' + mobile.slice(5) + '</td><td>INV-2024-' + String(index).padStart(6, '0') + '</td><td>15/03/2024</td></tr>');
  }
  document.querySelector('tbody').innerHTML = rows.join('');
</script></html>`;

describe('every number detected becomes a link in the accessibility tree within seconds', () => {
  let pages: ElementPageServer;
  let browser: Browser;

  before(async () => {
    pages = await startElementPageServer(() => PAGE);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await pages?.close();
  });

  it(
    `${ROWS.toLocaleString('en')} rows: ten seconds after the scan, the tree holds ${ROWS.toLocaleString('en')} links, each named for its number`,
    { timeout: 60_000 },
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      try {
        await page.goto(pages.origin);
        await drawFramesAsAScreenWould(page);
        await page.evaluate(async () => {
          await customElements.whenDefined('superfone-click-to-call');
          await (document.querySelector('superfone-click-to-call') as HTMLElement & { scanComplete(): Promise<void> }).scanComplete();
        });
        const scanEnded = Date.now();
        const atScanEnd = await linksInAccessibilityTree(page, /^Call 98450 \d{5}$/);
        let links = atScanEnd;
        while (links < ROWS && Date.now() - scanEnded < 10_000) {
          await page.waitForTimeout(500);
          links = await linksInAccessibilityTree(page, /^Call 98450 \d{5}$/);
        }
        console.log(`links in the accessibility tree: ${atScanEnd} when the scan ended, ${links} after ${((Date.now() - scanEnded) / 1000).toFixed(1)} s`);
        assert.equal(links, ROWS);
        // Named for the number as the page writes it, far from the screen too; invoices and dates are not links.
        const last = await page.evaluate(() => {
          const mark = document.querySelector('tbody tr:last-child a[data-superfone-detected]');
          return { name: mark?.getAttribute('aria-label'), href: mark?.getAttribute('href'), links: document.querySelectorAll('tbody a').length };
        });
        assert.deepEqual(last, { name: 'Call 98450 01999', href: 'tel:+919845001999', links: ROWS });
      } finally {
        await page.close();
      }
    },
  );
});

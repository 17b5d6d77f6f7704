import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright';

import { drawFramesAsAScreenWould, linksInAccessibilityTree } from '../support/accessibility-tree.js';
import { cdnUpFront, type UpFront } from '../support/cdn-up-front.js';
import { launchChromium } from '../support/chromium.mjs';
import { installPackedTarball, type PackedProject, readmeRecipe } from '../support/packed-project.js';

/**
 * A page with no build step: server-rendered markup, and one script tag pointing where a
 * CDN serves the package (`…/npm/superfone-call-button/cdn/superfone-call-button.js`).
 * The page is the README's recipe, word for word but for the CDN's host.
 * The module script runs after the markup is parsed, so the button's tag is defined
 * before its scope's: the order that once lost the scope's settings.
 */
/** The README's plain-HTML recipe, its CDN address pointed at this test's server. */
const PAGE = readmeRecipe('plain-html').replace('https://cdn.jsdelivr.net/npm/superfone-call-button/', '/npm/superfone-call-button/');

/** What the README promises a page fetches before its first control draws, gzipped. */
const UP_FRONT_BUDGET_GZIP_BYTES = 20_000;
const CDN = '/npm/superfone-call-button/cdn/';
const ROWS = 2_000;

/**
 * A CRM's big table with the same one script tag; `/big-strict` sends a CSP that allows no
 * worker, and `/big-cross-origin` takes the folder from another origin, as from jsDelivr.
 */
function bigTablePage(cdnOrigin = ''): string {
  const rows: string[] = [];
  for (let index = 0; index < ROWS; index++) {
    const mobile = String(9845000000 + index);
    rows.push(`<tr><td>Lead ${index}</td><td>${mobile.slice(0, 5)} ${mobile.slice(5)}</td><td>INV-2024-${String(index).padStart(6, '0')}</td></tr>`);
  }
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Leads</title>
<script type="module" src="${cdnOrigin}${CDN}superfone-call-button.js"></script>
<superfone-click-to-call agent-number="+919876543210" proxy-url="/api/superfone/call" detect><table>${rows.join('')}</table></superfone-click-to-call></html>`;
}

/**
 * Records, from before the page's first script, when the first control has drawn its button
 * (a string: a function from this file would carry tsx's helpers into the page).
 */
const RECORD_FIRST_DRAW = `(() => {
  const check = () => {
    if (document.querySelector('superfone-call-button')?.shadowRoot?.querySelector('button')) window.firstDrawAt = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;

describe('the README’s plain HTML page with the CDN build, from the packed tarball', { timeout: 120_000 }, () => {
  let packed: PackedProject;
  let server: Server;
  let upstream: any;
  let browser: Browser;
  let page: Page;
  let upFront: UpFront;
  let origin: string;
  const scripts: string[] = [];
  const errors: string[] = [];

  before(async () => {
    packed = installPackedTarball();
    const installed = join(packed.dir, 'node_modules/superfone-call-button');
    upFront = cdnUpFront(join(installed, 'cdn'));
    const { startSuperfoneSimulator } = await import(join(installed, 'dist/simulator/index.js'));
    const { superfoneListener } = await import(join(installed, 'dist/server/node.js'));
    upstream = await startSuperfoneSimulator();
    const proxy = superfoneListener({ apiKey: upstream.simulator.apiKey, apiBase: upstream.apiBase });
    server = createServer((req, res) => {
      if (req.url === '/api/superfone/call') return void proxy(req, res);
      if (req.url?.startsWith('/npm/superfone-call-button/')) {
        try {
          const body = readFileSync(join(installed, req.url.slice('/npm/superfone-call-button/'.length)));
          res.setHeader('Content-Type', req.url.endsWith('.js') ? 'text/javascript' : 'application/octet-stream');
          // As jsDelivr and unpkg answer: modules may be loaded from any origin.
          res.setHeader('Access-Control-Allow-Origin', '*');
          return void res.end(body);
        } catch {
          res.statusCode = 404;
          return void res.end();
        }
      }
      res.setHeader('Content-Type', 'text/html');
      if (req.url === '/big-strict') res.setHeader('Content-Security-Policy', "default-src 'self'; worker-src 'none'");
      // The page on 127.0.0.1, its folder on localhost: another origin, the same server.
      const cdnOrigin = req.url === '/big-cross-origin' ? `http://localhost:${(server.address() as AddressInfo).port}` : '';
      res.end(req.url?.startsWith('/big') ? bigTablePage(cdnOrigin) : PAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium();
    page = await browser.newPage();
    await page.addInitScript({ content: RECORD_FIRST_DRAW });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await page.goto(`${origin}/`);
    await page.locator('p.note a[data-superfone-detected]').waitFor();
  });
  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    server?.close();
    await upstream?.close();
    packed?.remove();
  });

  it(`one script tag: before the first button draws, only the entry and the chunks it imports are fetched, ≤ ${UP_FRONT_BUDGET_GZIP_BYTES.toLocaleString('en')} B gzipped`, async () => {
    const beforeDraw = await page.evaluate(() => {
      const { firstDrawAt } = window as unknown as { firstDrawAt: number };
      return performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.endsWith('.js') && entry.startTime <= firstDrawAt)
        .map((entry) => new URL(entry.name).pathname);
    });
    console.log(`fetched before the first button drew: ${beforeDraw.join(', ')}; ${upFront.gzipBytes} B gzipped`);
    assert.deepEqual([...beforeDraw].sort(), upFront.files.map((file) => CDN + file).sort());
    assert.ok(upFront.gzipBytes <= UP_FRONT_BUDGET_GZIP_BYTES, `${upFront.gzipBytes} B gzipped up front`);
  });

  it('number handling, detection and the words come after, from the same folder, by URLs relative to the entry: no import map', () => {
    assert.ok(
      scripts.every((script) => script.startsWith(CDN)),
      scripts.join(', '),
    );
    for (const lazy of ['chunks/calling-chunk-', 'chunks/page-scanner-', 'chunks/en-']) {
      assert.ok(
        scripts.some((script) => script.startsWith(CDN + lazy)),
        `${lazy} loaded: ${scripts.join(', ')}`,
      );
      assert.ok(!upFront.files.some((file) => file.startsWith(lazy)), `${lazy} is not fetched up front`);
    }
  });

  it('the server-rendered button takes the scope’s agent and proxy, and places the call', async () => {
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).click();
    await page.getByRole('button', { name: 'End call with +91 80000 00001' }).waitFor();
    const [notification] = upstream.simulator.snapshot().notifications;
    assert.deepEqual([notification.action, notification.agentNumber, notification.customerNumber], ['START', '+919876543210', '+918000000001']);
  });

  it('the number in the note is callable, and the note reads as written', async () => {
    assert.equal(await page.locator('p.note a[data-superfone-detected]').getAttribute('href'), 'tel:+919123456789');
    assert.equal(await page.locator('p.note').innerText(), 'Call back Arjun on 91234 56789 regarding the order');
  });

  it('speaks Hindi when the page does: its catalogue loads then, from the same folder', async () => {
    assert.ok(!scripts.some((script) => script.startsWith(`${CDN}chunks/hi-`)), 'Hindi is not loaded before the page asks for it');
    await page.evaluate(() => (document.documentElement.lang = 'hi'));
    await page.getByRole('button', { name: '+91 80000 00001 से कॉल काटें' }).waitFor();
    assert.equal(await page.locator('p.note a[data-superfone-detected]').getAttribute('aria-label'), '91234 56789 को कॉल करें');
    assert.ok(
      scripts.some((script) => script.startsWith(`${CDN}chunks/hi-`)),
      scripts.join(', '),
    );
  });

  it('a detected number calls too: with the first call ended, the note’s number is clicked and Superfone is asked to ring it', async () => {
    await page.getByRole('button', { name: '+91 80000 00001 से कॉल काटें' }).click();
    await page.locator('superfone-call-button[state="idle"]').first().waitFor();
    await page.locator('p.note a[data-superfone-detected]').click();
    await page.locator('p.note superfone-call-button[state="active"]').waitFor();
    const notifications = upstream.simulator.snapshot().notifications;
    const last = notifications[notifications.length - 1];
    assert.deepEqual([last.action, last.agentNumber, last.customerNumber], ['START', '+919876543210', '+919123456789']);
  });

  const bigTables = [
    ['/big', true, ': off-screen text searched in the worker from the same folder'],
    ['/big-strict', false, ' under a CSP that allows no worker: searched on the main thread'],
    ['/big-cross-origin', false, ' with the folder on another origin, as from a CDN: chunks load from there, and no worker can start from there, so the main thread searches'],
  ] as const;
  for (const [path, worker, how] of bigTables) {
    it(`a ${ROWS.toLocaleString('en')}-row table${how}; within ten seconds of the scan every number is a link in Chromium's accessibility tree`, async () => {
      const big = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const bigScripts: string[] = [];
      big.on('request', (request) => bigScripts.push(new URL(request.url()).pathname));
      big.on('pageerror', (error) => errors.push(error.message));
      try {
        await big.goto(origin + path);
        await drawFramesAsAScreenWould(big);
        await big.evaluate(async () => {
          await customElements.whenDefined('superfone-click-to-call');
          await (document.querySelector('superfone-click-to-call') as HTMLElement & { scanComplete(): Promise<void> }).scanComplete();
        });
        const scanEnded = Date.now();
        const links = () => linksInAccessibilityTree(big, /^Call 98450 \d{5}$/);
        let count = await links();
        while (count < ROWS && Date.now() - scanEnded < 10_000) {
          await big.waitForTimeout(500);
          count = await links();
        }
        console.log(
          `${path}: ${count} links in the accessibility tree ${((Date.now() - scanEnded) / 1000).toFixed(1)} s after the scan; scripts ${bigScripts.filter((script) => script.includes('worker')).join(', ') || 'no worker'}`,
        );
        assert.equal(count, ROWS);
        assert.equal(bigScripts.includes(`${CDN}chunks/number-search-worker.js`), worker);
        assert.ok(
          bigScripts.some((script) => script.startsWith(`${CDN}chunks/page-scanner-`)),
          'detection loaded from the folder',
        );
      } finally {
        await big.close();
      }
    });
  }

  it('no page errors', () => {
    assert.deepEqual(errors, []);
  });
});

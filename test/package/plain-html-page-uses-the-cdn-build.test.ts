import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright';
import { launchChromium } from '../support/chromium.mjs';
import { installPackedTarball, readmeRecipe, type PackedProject } from '../support/packed-project.js';

/**
 * A page with no build step: server-rendered markup, and one script tag pointing where a
 * CDN serves the package (`…/npm/superfone-call-button/cdn/superfone-call-button.js`).
 * The page is the README's recipe, word for word but for the CDN's host.
 * The module script runs after the markup is parsed, so the button's tag is defined
 * before its scope's: the order that once lost the scope's settings.
 */
/** The README's plain-HTML recipe, its CDN address pointed at this test's server. */
const PAGE = readmeRecipe('plain-html').replace('https://cdn.jsdelivr.net/npm/superfone-call-button/', '/npm/superfone-call-button/');

describe('the README’s plain HTML page with the CDN build, from the packed tarball', { timeout: 120_000 }, () => {
  let packed: PackedProject;
  let server: Server;
  let upstream: any;
  let browser: Browser;
  let page: Page;
  const scripts: string[] = [];
  const errors: string[] = [];

  before(async () => {
    packed = installPackedTarball();
    const installed = join(packed.dir, 'node_modules/superfone-call-button');
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
          return void res.end(body);
        } catch {
          res.statusCode = 404;
          return void res.end();
        }
      }
      res.setHeader('Content-Type', 'text/html');
      res.end(PAGE);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.locator('p.note a[data-superfone-detected]').waitFor();
  });
  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    server?.close();
    await upstream?.close();
    packed?.remove();
  });

  it('loads one module: no import map, no chunks', () => {
    assert.deepEqual(scripts, ['/npm/superfone-call-button/cdn/superfone-call-button.js']);
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

  it('speaks Hindi when the page does, with the one module (its catalogue is inside it)', async () => {
    await page.evaluate(() => (document.documentElement.lang = 'hi'));
    await page.getByRole('button', { name: '+91 80000 00001 से कॉल काटें' }).waitFor();
    assert.equal(await page.locator('p.note a[data-superfone-detected]').getAttribute('aria-label'), '91234 56789 को कॉल करें');
    assert.deepEqual(scripts, ['/npm/superfone-call-button/cdn/superfone-call-button.js']);
  });

  it('no page errors', () => {
    assert.deepEqual(errors, []);
  });
});

import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';

import { SignJWT } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright';

import { superfoneListener } from '../../src/server/adapters/node-proxy.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../src/simulator/simulator-server.js';
import { API_KEY, ASHA } from '../node/helpers.js';
import { launchChromium } from '../support/chromium.mjs';
import { type ElementPageServer, startElementPageServer } from '../support/element-page-server.js';
import { readmeRecipe } from '../support/packed-project.js';

// A CRM page whose server mints sign-in tokens (here: jose, in the test) and whose proxy
// checks them (auth.secret). The page hands tokens to the control through getToken.
const JWT_SECRET = 'jwt_test_secret_0123456789abcdef_0123456789';

const mint = (expiresAt: number) =>
  new SignJWT({ superfone_agent: ASHA })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience('superfone-proxy')
    .setIssuedAt()
    .setExpirationTime(expiresAt)
    .sign(new TextEncoder().encode(JWT_SECRET));

/**
 * The README's page recipe as written, its `…` filled with a contact: the scope asks the
 * CRM's own server for a token each time a control asks it. `proxy` names a proxy elsewhere.
 */
const page = (proxy: string | null) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CRM with sign-in</title>
<script type="module" src="/assets/index.js"></script></head>
<body><main><h1>Lead</h1>
${readmeRecipe('token-page')
  .replace('…', '<p>Priya Nair <superfone-call-button customer-number="+91 80000 00001"></superfone-call-button></p>')
  .replace('<superfone-click-to-call id="crm">', `<superfone-click-to-call id="crm"${proxy ? ` proxy-url="${proxy}"` : ''}>`)}
</main>
<script type="module">
  window.errors = [];
  document.addEventListener('superfone-call-error', (event) => window.errors.push(event.detail));
</script></body></html>`;

describe('a page signs its calls with tokens from getToken, and refreshes one the proxy refuses', { timeout: 90_000 }, () => {
  let upstream: RunningSimulator;
  let pages: ElementPageServer;
  let browser: Browser;
  let context: BrowserContext;
  /** What the CRM's token endpoint hands out next: `expired`, `fresh`, `refused` (a token for another audience), or `signed-out` (a 401). */
  let handing: Array<'expired' | 'fresh' | 'refused' | 'signed-out'> = [];
  let tokensHanded = 0;
  let elsewhere: Server;

  before(async () => {
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    const proxy = superfoneListener({ apiKey: API_KEY, apiBase: upstream.apiBase, path: '/api/superfone/call', auth: { secret: JWT_SECRET } });
    const crm = async (req: IncomingMessage, res: ServerResponse) => {
      if (req.url !== '/crm/superfone-token') return void proxy(req, res);
      tokensHanded += 1;
      const kind = handing.shift() ?? 'fresh';
      if (kind === 'signed-out') return void res.writeHead(401, { 'content-type': 'text/plain' }).end('Not signed in. Sign in to the CRM first.');
      const now = Math.floor(Date.now() / 1000);
      const token =
        kind === 'refused'
          ? await new SignJWT({ superfone_agent: ASHA })
              .setProtectedHeader({ alg: 'HS256' })
              .setAudience('crm-api')
              .setExpirationTime(now + 600)
              .sign(new TextEncoder().encode(JWT_SECRET))
          : await mint(kind === 'expired' ? now - 600 : now + 600);
      res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
    };
    pages = await startElementPageServer(
      (url) => page(url.searchParams.get('proxy')),
      (req, res) => void crm(req, res),
    );
    // The same proxy on another origin, which lets the page's origin call.
    elsewhere = createServer(
      superfoneListener({ apiKey: API_KEY, apiBase: upstream.apiBase, path: '/api/superfone/call', auth: { secret: JWT_SECRET }, allowedOrigins: [pages.origin] }),
    );
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    elsewhere?.closeAllConnections();
    elsewhere?.close();
    await pages?.close();
    await upstream?.close();
  });
  beforeEach(async () => {
    await context?.close();
    context = await browser.newContext();
    upstream.simulator.reset();
    tokensHanded = 0;
  });

  const open = async (query = ''): Promise<Page> => {
    const page = await context.newPage();
    await page.goto(pages.origin + query);
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).waitFor();
    return page;
  };
  const stateIs = (page: Page, state: string) =>
    page.waitForFunction((wanted) => document.querySelector('superfone-call-button')?.getAttribute('state') === wanted, state, { timeout: 10_000 });

  it('an expired token is refreshed through getToken: the call is placed with exactly one START', async () => {
    handing = ['expired', 'fresh'];
    const page = await open();
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).click();
    await stateIs(page, 'active');
    assert.equal(tokensHanded, 2, 'asked once, then once more after the 401');
    const starts = upstream.simulator.snapshot().notifications.filter((note) => note.action === 'START');
    assert.deepEqual(
      starts.map((note) => [note.agentNumber, note.customerNumber]),
      [[ASHA, '+918000000001']],
      'exactly one START, as the token’s agent',
    );
    await page.getByRole('button', { name: 'End call with +91 80000 00001' }).click();
    await stateIs(page, 'idle');
    assert.equal(tokensHanded, 3, 'END carried a token too');
  });

  it('a token refused twice: the control says to sign in again, the live region says it, and superfone-call-error has the code', async () => {
    handing = ['refused', 'refused'];
    const page = await open();
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).click();
    await stateIs(page, 'error');
    const control = page.locator('superfone-call-button');
    await control.locator('[part~="message"]', { hasText: 'Sign in again' }).waitFor({ timeout: 5_000 });
    await page.locator('[data-superfone-announcer]', { hasText: 'Sign in again' }).waitFor({ state: 'attached', timeout: 5_000 });
    const errors = await page.evaluate(() => (window as unknown as { errors: Array<{ action: string; code: string; status: number }> }).errors);
    assert.deepEqual(
      errors.map(({ action, code, status }) => [action, code, status]),
      [['START', 'unauthorized', 401]],
    );
    assert.equal(tokensHanded, 2, 'asked once more, not again and again');
    assert.equal(upstream.simulator.requestCount, 0, 'Superfone untouched');
  });

  it('the CRM answers 401 (not signed in): the recipe throws, nothing is sent, and the control, the live region and the event say the sign-in could not be had', async () => {
    handing = ['signed-out'];
    const page = await open();
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).click();
    await stateIs(page, 'error');
    const words = 'This page could not get your sign-in for calling, so no call was placed. Reload the page or sign in again, then retry.';
    await page.locator('superfone-call-button').locator('[part~="message"]', { hasText: words }).waitFor({ timeout: 5_000 });
    await page.locator('[data-superfone-announcer]', { hasText: words }).waitFor({ state: 'attached', timeout: 5_000 });
    const errors = await page.evaluate(() => (window as unknown as { errors: Array<{ action: string; code: string; status: number; reason?: string }> }).errors);
    assert.deepEqual(
      errors.map(({ action, code, status, reason }) => [action, code, status, reason]),
      [['START', 'token_unavailable', 0, 'getToken failed: Error: no Superfone token: HTTP 401']],
    );
    assert.equal(tokensHanded, 1, 'asked once');
    assert.equal(upstream.simulator.requestCount, 0, 'Superfone untouched');
    const sent = await page.evaluate(() => performance.getEntriesByType('resource').filter((entry) => entry.name.includes('/api/superfone/call')).length);
    assert.equal(sent, 0, 'no request reached the proxy');
  });

  it('the token never appears in the page’s markup', async () => {
    handing = ['fresh'];
    const page = await open();
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).click();
    await stateIs(page, 'active');
    const markup = await page.content();
    assert.ok(!/eyJ[\w-]+\.eyJ/.test(markup), 'no JWT in the DOM');
    await page.getByRole('button', { name: 'End call with +91 80000 00001' }).click();
    await stateIs(page, 'idle');
  });

  it('from another origin: the token crosses (Chromium allows the Authorization header after its preflight), refreshed as at home', async () => {
    handing = ['expired', 'fresh'];
    const proxyUrl = `http://localhost:${(elsewhere.address() as AddressInfo).port}/api/superfone/call`;
    const page = await open(`/?proxy=${encodeURIComponent(proxyUrl)}`);
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).click();
    await stateIs(page, 'active');
    assert.equal(tokensHanded, 2);
    assert.equal(upstream.simulator.snapshot().notifications.filter((note) => note.action === 'START').length, 1);
    await page.getByRole('button', { name: 'End call with +91 80000 00001' }).click();
    await stateIs(page, 'idle');
  });
});

// The browser extension as agents live with it: signed in once with the company's login (a
// real OpenID provider, oidc-provider, over https on loopback), kept signed in with short ID
// tokens, checked by Save against the proxy exactly as its calls go, and closed to what a
// page can do: framing, synthetic events, its content scripts' storage, another site's call.
// The proxy is the CLI checking the provider's ID tokens and finding the agent in a CSV.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { type BrowserContext, chromium, type Page } from 'playwright';

import { CHROMIUM_ARGS, findChromium } from '../support/chromium.mjs';
import { type CliProxy, startCliProxy } from '../support/cli-proxy.js';
import { marksIn, until } from '../support/extension-pages.js';
import { freePort } from '../support/free-port.js';
import { type OidcTestProvider, startOidcTestProvider } from '../support/oidc-test-provider.js';
import { loopbackCertificate } from '../support/test-certificate.js';

const ASHA = '+919876543210';
const ASHA_EMAIL = 'asha@example.com';
const ASHA_PASSWORD = 'correct horse battery staple';
const CLIENT_ID = 'superfone-extension';
/** Each ID token lives this long: without renewal, a call a minute and a half later fails. */
const ID_TOKEN_TTL_SEC = 30;

const CRM_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Leads</title></head><body>
<h1>Leads</h1><p>Priya Nair, +91 98450 12345.</p><p>Rahul Mehta, 098450 12346.</p><p>Anita Rao, +91 98450 12347.</p></body></html>`;
/** A CRM search that echoes its query, as many do: what a framing page can put on the screen. */
const searchPage = (query: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Search</title></head><body style="margin:0"><p id="query" style="font-size:48px;margin:0">${query.replace(/[<&>"]/g, '')}</p></body></html>`;

async function serve(route: (url: URL) => string | null, csp = "default-src 'self'; style-src 'unsafe-inline'"): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const body = route(new URL(req.url ?? '/', 'http://x'));
    if (body === null) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': csp }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the extension: signed in once with the company’s login, a Save that tells the truth, and nothing a page can do', { timeout: 420_000 }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'superfone-extension-oidc-'));
  const extensionDir = join(folder, 'extension');
  const agentsCsv = join(folder, 'agents.csv');
  let extensionId: string;
  let extensionOrigin: string;
  let idp: OidcTestProvider;
  let context: BrowserContext;
  let proxy: CliProxy;
  let refusesOrigin: CliProxy;
  let wrongAudience: CliProxy;
  let crm: { server: Server; origin: string };
  let otherCrm: { server: Server; origin: string };
  let framing: { server: Server; origin: string };
  let openedBeforeSave: Page;
  let signedInAt = 0;

  const launch = () =>
    chromium.launchPersistentContext(join(folder, 'profile'), {
      executablePath: findChromium(),
      headless: true,
      // The provider's certificate is a test one; Chromium is told to take it (Node trusts it through NODE_EXTRA_CA_CERTS).
      args: [...CHROMIUM_ARGS, '--ignore-certificate-errors', `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
    });
  const workerOf = async (browser: BrowserContext) => browser.serviceWorkers()[0] ?? (await browser.waitForEvent('serviceworker', { timeout: 15_000 }));
  const notifications = async () =>
    (
      (await (await fetch(`http://127.0.0.1:${proxy.port}/__superfone-simulator/state`)).json()) as {
        notifications: Array<{ action: string; customerNumber: string; agentNumber: string }>;
      }
    ).notifications;
  const stateOf = (page: Page, href: string) => page.locator(`a[data-superfone-detected][href="${href}"]`).getAttribute('data-superfone-state');

  before(async () => {
    // The build's key pins the id: the admin's allowed origin and the provider's redirect URI are known before Chromium starts.
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(join(folder, 'extension-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const build = spawnSync(process.execPath, ['scripts/build-extension.mjs', '--out', extensionDir, '--key', join(folder, 'extension-key.pem')], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    const digest = createHash('sha256')
      .update(publicKey.export({ type: 'spki', format: 'der' }))
      .digest('hex')
      .slice(0, 32);
    extensionId = [...digest].map((digit) => 'abcdefghijklmnop'[parseInt(digit, 16)]).join('');
    extensionOrigin = `chrome-extension://${extensionId}`;

    const tls = loopbackCertificate(folder);
    idp = await startOidcTestProvider({
      tls,
      clientId: CLIENT_ID,
      redirectUri: `https://${extensionId}.chromiumapp.org/`,
      webOrigin: extensionOrigin,
      accounts: [{ email: ASHA_EMAIL, password: ASHA_PASSWORD }],
      idTokenTtlSec: ID_TOKEN_TTL_SEC,
    });
    writeFileSync(agentsCsv, `email,agent_number\n${ASHA_EMAIL},+91 98765 43210\n`);
    const signIn = {
      NODE_EXTRA_CA_CERTS: tls.certFile,
      SUPERFONE_JWKS_URL: `${idp.issuer}/jwks`,
      SUPERFONE_JWT_ISSUER: idp.issuer,
      SUPERFONE_JWT_AUDIENCE: CLIENT_ID,
      SUPERFONE_AGENTS_FILE: agentsCsv,
    };
    [proxy, refusesOrigin, wrongAudience] = await Promise.all([
      startCliProxy({ ...signIn, SUPERFONE_ALLOWED_ORIGINS: extensionOrigin }, ['--simulate']),
      startCliProxy(signIn, ['--simulate']),
      startCliProxy({ ...signIn, SUPERFONE_JWT_AUDIENCE: 'another-client', SUPERFONE_ALLOWED_ORIGINS: extensionOrigin }, ['--simulate']),
    ]);
    crm = await serve((url) => (url.pathname === '/' ? CRM_PAGE : url.pathname === '/search' ? searchPage(url.searchParams.get('q') ?? '') : null));
    otherCrm = await serve((url) => (url.pathname === '/' ? CRM_PAGE.replace(/98450 1234/g, '98450 5678') : null));
    framing = await serve(
      (url) =>
        url.pathname === '/'
          ? `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>You won</title></head><body style="margin:0">
<button style="position:absolute;left:0;top:0;width:600px;height:80px;font-size:40px">Claim your prize</button>
<iframe title="prize" src="${crm.origin}/search?q=%2B91%2098450%2066600" style="position:absolute;left:0;top:0;width:600px;height:80px;border:0;opacity:0.01"></iframe></body></html>`
          : null,
      `default-src 'self'; style-src 'unsafe-inline'; frame-src ${crm.origin}`,
    );
    context = await launch();
    // A CRM tab the agent has open before setting the extension up.
    openedBeforeSave = await context.newPage();
    await openedBeforeSave.goto(crm.origin);
  });

  after(async () => {
    await context?.close();
    for (const running of [proxy, refusesOrigin, wrongAudience]) running?.child.kill();
    for (const served of [crm, otherCrm, framing]) served?.server.close();
    await idp?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('the build’s key pins the extension’s id, as Chromium derives it', async () => {
    assert.equal(new URL((await workerOf(context)).url()).host, extensionId);
  });

  it('Sign in opens the company’s login page, filled as a person would; the options page then says who is signed in and offers Sign out', async () => {
    const options = await context.newPage();
    try {
      await options.goto(`${extensionOrigin}/options.html`);
      assert.equal(await options.locator('#redirect-uri').textContent(), `https://${extensionId}.chromiumapp.org/`, 'the redirect URI to register is shown');
      await options.getByLabel('Sign-in provider').fill(idp.issuer);
      await options.getByLabel('Client ID').fill(CLIENT_ID);
      const [login] = await Promise.all([context.waitForEvent('page', { timeout: 15_000 }), options.getByRole('button', { name: 'Sign in' }).click()]);
      await login.getByLabel('Email').fill(ASHA_EMAIL);
      await login.getByLabel('Password').fill(ASHA_PASSWORD);
      await login.getByRole('button', { name: 'Sign in' }).click();
      await login.getByRole('button', { name: 'Allow' }).click();
      await until(
        () => options.locator('#sign-in-state').textContent(),
        (text) => text === `Signed in as ${ASHA_EMAIL}`,
        'signed in',
        15_000,
      );
      signedInAt = Date.now();
      assert.equal(await options.getByRole('button', { name: 'Sign out' }).isVisible(), true);
    } finally {
      await options.close();
    }
  });

  it('Save asks the proxy as the calls will, and says exactly what to fix: a refused origin, a refused token, an email that is no agent, a proxy that does not answer; then saves, and an open tab is marked without reload', async () => {
    const options = await context.newPage();
    try {
      await options.goto(`${extensionOrigin}/options.html`);
      await until(
        () => options.locator('#sign-in-state').textContent(),
        (text) => text === `Signed in as ${ASHA_EMAIL}`,
        'the sign-in shown',
      );
      await options.getByLabel('Sites').fill(`${crm.origin}\n${otherCrm.origin}`);
      const saveWith = async (proxyUrl: string, field: string, problem: RegExp) => {
        await options.getByLabel('Proxy URL').fill(proxyUrl);
        await options.getByRole('button', { name: 'Save' }).click();
        await until(
          () => options.locator(`#${field}-problem`).textContent(),
          (text) => problem.test(text ?? ''),
          `the ${field} problem`,
          15_000,
        ).catch(async (error: Error) => {
          throw new Error(`${error.message}; the page says: ${await options.locator('form').innerText()}`);
        });
        assert.match((await options.locator('#status').textContent())!, /^Not saved/);
        assert.equal(await options.locator(`#${field}`).getAttribute('aria-invalid'), 'true');
      };
      await saveWith(refusesOrigin.url, 'proxyUrl', new RegExp(`SUPERFONE_ALLOWED_ORIGINS=${extensionOrigin} `));
      await saveWith(wrongAudience.url, 'issuer', /The call service refused your sign-in/);
      writeFileSync(agentsCsv, 'email,agent_number\nvikram@example.com,+919812345678\n');
      // The proxy reads the file again within a second of a change.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await saveWith(proxy.url, 'issuer', new RegExp(`${ASHA_EMAIL} is not an agent on this call service.*SUPERFONE_AGENTS_FILE`));
      await saveWith(`http://127.0.0.1:${await freePort()}/api/superfone/call`, 'proxyUrl', /did not answer/);
      assert.deepEqual(await marksIn(openedBeforeSave), [], 'nothing saved, nothing marked');

      writeFileSync(agentsCsv, `email,agent_number\n${ASHA_EMAIL},+91 98765 43210\n`);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await options.getByLabel('Proxy URL').fill(proxy.url);
      await options.getByRole('button', { name: 'Save' }).click();
      await until(
        () => options.locator('#status').textContent(),
        (text) => /^Saved/.test(text ?? ''),
        'saved',
        15_000,
      );
      assert.match((await options.locator('#status').textContent())!, new RegExp(`from \\${ASHA}`), 'as the agent the CSV names');
      await until(
        () => marksIn(openedBeforeSave),
        (marks) => marks.length === 3,
        'the tab open before Save marked, without reload',
      );
    } finally {
      await options.close();
    }
  });

  it('calls are placed as the agent the CSV names, with nothing typed but the sign-in', async () => {
    const before = (await notifications()).length;
    await openedBeforeSave.locator('a[href="tel:+919845012345"]').click();
    await until(
      () => stateOf(openedBeforeSave, 'tel:+919845012345'),
      (state) => state === 'active',
      'the call on',
    );
    await openedBeforeSave.locator('a[href="tel:+919845012345"]').click();
    await until(
      () => stateOf(openedBeforeSave, 'tel:+919845012345'),
      (state) => state === 'idle',
      'the call ended',
    );
    assert.deepEqual(
      (await notifications()).slice(before).map(({ action, customerNumber, agentNumber }) => [action, customerNumber, agentNumber]),
      [
        ['START', '+919845012345', ASHA],
        ['END', '+919845012345', ASHA],
      ],
    );
  });

  it('a listed CRM framed by a site nobody listed is not marked, and a real click on it calls nothing', async () => {
    const top = await context.newPage();
    const page = await context.newPage();
    try {
      // The same search, as the top page, is marked: what the frame lacks is the listing of its top page, nothing else.
      await top.goto(`${crm.origin}/search?q=%2B91%2098450%2066600`);
      await until(
        () => marksIn(top),
        (marks) => marks.length === 1,
        'the search page marked when it is the top page',
      );
      const before = (await notifications()).length;
      await page.goto(framing.origin);
      const frame = page.frames().find((candidate) => candidate.url().startsWith(crm.origin))!;
      await frame.waitForSelector('#query');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      assert.deepEqual(await frame.$$eval('a[data-superfone-detected]', (marks) => marks.length), 0, 'the framed CRM is not marked');
      const box = (await frame.locator('#query').boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.equal((await notifications()).length, before, 'nothing dialled');
    } finally {
      await top.close();
      await page.close();
    }
  });

  it('a page’s cancelable synthetic clicks, pointer and key events, element.click() and postMessage start nothing and change nothing: the next real click places exactly one START', async () => {
    const page = await context.newPage();
    try {
      await page.goto(crm.origin);
      await until(
        () => marksIn(page),
        (marks) => marks.length === 3,
        'marked',
      );
      const before = (await notifications()).length;
      await page.evaluate(() => {
        const mark = document.querySelector<HTMLAnchorElement>('a[href="tel:+919845012346"]')!;
        const init = { bubbles: true, cancelable: true, composed: true, view: window, button: 0 };
        for (const type of ['pointerdown', 'pointerup']) mark.dispatchEvent(new PointerEvent(type, init));
        for (const type of ['mousedown', 'mouseup', 'click']) mark.dispatchEvent(new MouseEvent(type, init));
        mark.focus();
        for (const type of ['keydown', 'keypress', 'keyup']) mark.dispatchEvent(new KeyboardEvent(type, { ...init, key: 'Enter', code: 'Enter' }));
        mark.click();
        window.postMessage({ kind: 'call', action: 'START', customerNumber: '+919845012346' }, '*');
      });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.equal((await notifications()).length, before, 'nothing reached Superfone');
      assert.equal(await stateOf(page, 'tel:+919845012346'), null, 'the mark is as it was');
      await page.locator('a[href="tel:+919845012346"]').click();
      await until(
        () => stateOf(page, 'tel:+919845012346'),
        (state) => state === 'active',
        'the real click’s call on',
      );
      assert.deepEqual(
        (await notifications()).slice(before).map(({ action, customerNumber }) => [action, customerNumber]),
        [['START', '+919845012346']],
      );
      await page.locator('a[href="tel:+919845012346"]').click();
      await until(
        () => stateOf(page, 'tel:+919845012346'),
        (state) => state === 'idle',
        'ended',
      );
    } finally {
      await page.close();
    }
  });

  it('in the content scripts’ own world, storage can be neither read nor written: the token, the proxy URL and the agent stay the worker’s', async () => {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    try {
      const worlds: Array<{ id: number; name: string; auxData?: { type?: string; frameId?: string } }> = [];
      cdp.on('Runtime.executionContextCreated', ({ context: created }) => worlds.push(created));
      await cdp.send('Runtime.enable');
      await page.goto(crm.origin);
      await until(
        () => marksIn(page),
        (marks) => marks.length === 3,
        'marked',
      );
      const world = await until(
        async () => worlds.find((candidate) => candidate.auxData?.type === 'isolated' && candidate.name === 'Superfone click-to-call'),
        Boolean,
        'the content script’s world',
      );
      const run = async (expression: string) =>
        (
          await cdp.send('Runtime.evaluate', {
            expression: `(${expression}).then((value) => 'read: ' + JSON.stringify(value), (error) => 'refused: ' + error.message)`,
            contextId: world!.id,
            awaitPromise: true,
          })
        ).result.value as string;
      assert.equal(await run('Promise.resolve(typeof chrome.storage)'), 'read: "object"', 'it is the extension’s world');
      for (const area of ['local', 'session']) {
        assert.match(await run(`chrome.storage.${area}.get(null)`), /^refused: /, `${area} read`);
        assert.match(await run(`chrome.storage.${area}.set({ settings: { proxyUrl: 'https://evil.example/api/superfone/call' }, inEffect: null })`), /^refused: /, `${area} write`);
        assert.match(await run(`chrome.storage.${area}.remove('signIn')`), /^refused: /, `${area} remove`);
      }
      const before = (await notifications()).length;
      await page.locator('a[href="tel:+919845012347"]').click();
      await until(
        () => stateOf(page, 'tel:+919845012347'),
        (state) => state === 'active',
        'the next call still goes to the proxy set',
      );
      assert.equal((await notifications()).length, before + 1);
      await page.locator('a[href="tel:+919845012347"]').click();
      await until(
        () => stateOf(page, 'tel:+919845012347'),
        (state) => state === 'idle',
        'ended',
      );
    } finally {
      await cdp.detach().catch(() => {});
      await page.close();
    }
  });

  it('while a call placed from one listed site is on, a number on another says “On another call”, never whom', async () => {
    const [first, second] = [await context.newPage(), await context.newPage()];
    try {
      await first.goto(crm.origin);
      await second.goto(otherCrm.origin);
      await until(
        () => marksIn(second),
        (marks) => marks.length === 3,
        'the other site marked',
      );
      await first.locator('a[href="tel:+919845012345"]').click();
      await until(
        () => stateOf(first, 'tel:+919845012345'),
        (state) => state === 'active',
        'the call on',
      );
      const before = (await notifications()).length;
      const other = second.locator('a[href="tel:+919845056785"]');
      await other.click();
      await until(
        () => other.getAttribute('aria-description'),
        (text) => /^On another call/.test(text ?? ''),
        'the other site told the agent is busy',
      );
      assert.equal(await other.getAttribute('data-superfone-message'), await other.getAttribute('aria-description'));
      const seen = await second.evaluate(() => document.documentElement.outerHTML);
      for (const written of ['9845012345', '98450 12345', '98450&nbsp;12345']) assert.ok(!seen.includes(written), `the other site sees ${written}`);
      assert.equal((await notifications()).length, before, 'no second START');
      await first.locator('a[href="tel:+919845012345"]').click();
      await until(
        () => stateOf(first, 'tel:+919845012345'),
        (state) => state === 'idle',
        'the first call ended',
      );
    } finally {
      await first.close();
      await second.close();
    }
  });

  it(`with ID tokens that live ${ID_TOKEN_TTL_SEC} s, a call 90 s after signing in is still placed, with no agent action`, async () => {
    const wait = signedInAt + 90_000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const before = (await notifications()).length;
    const mark = openedBeforeSave.locator('a[href="tel:+919845012346"]');
    await mark.click();
    await until(
      () => mark.getAttribute('data-superfone-state'),
      (state) => state === 'active',
      'the call on, 90 s later',
      15_000,
    );
    assert.deepEqual(
      (await notifications()).slice(before).map(({ action, agentNumber }) => [action, agentNumber]),
      [['START', ASHA]],
    );
    assert.ok(idp.refreshes.ok >= 1, 'the ID token was renewed with the refresh token');
    await mark.click();
    await until(
      () => mark.getAttribute('data-superfone-state'),
      (state) => state === 'idle',
      'ended',
    );
  });

  it('with the refresh token revoked, every number says “Sign in again”, a click calls nothing, and the options page says why; signing in again brings the numbers back', async () => {
    await idp.revokeAll();
    const page = openedBeforeSave;
    const says = () => page.$$eval('a[data-superfone-detected]', (marks) => marks.map((mark) => mark.getAttribute('aria-description') ?? ''));
    // The worker renews ahead of expiry: the provider's refusal reaches every number without a click.
    await until(
      says,
      (messages) => messages.length === 3 && messages.every((text) => text.startsWith('Sign in again')),
      'every number says Sign in again',
      (ID_TOKEN_TTL_SEC + 45) * 1_000,
    );
    assert.deepEqual(await page.$$eval('a[data-superfone-detected]', (marks) => marks.map((mark) => mark.getAttribute('data-superfone-state'))), ['error', 'error', 'error']);
    assert.ok(idp.refreshes.refused >= 1, 'the provider refused the renewal');
    const before = (await notifications()).length;
    const [options] = await Promise.all([context.waitForEvent('page', { timeout: 10_000 }), page.locator('a[href="tel:+919845012345"]').click()]);
    try {
      await options.waitForURL(`${extensionOrigin}/options.html`);
      await until(
        () => options.locator('#sign-in-state').textContent(),
        (text) => /^Your sign-in has ended \(.+\)\. Sign in again\.$/.test(text ?? ''),
        'the options page says why',
      );
      assert.equal((await notifications()).length, before, 'nothing dialled');

      // The provider remembers its own session: this time it asks only for consent.
      const [login] = await Promise.all([context.waitForEvent('page', { timeout: 15_000 }), options.getByRole('button', { name: 'Sign in' }).click()]);
      await login.getByRole('button', { name: 'Allow' }).click();
      await until(
        () => options.locator('#sign-in-state').textContent(),
        (text) => text === `Signed in as ${ASHA_EMAIL}`,
        'signed in again',
        15_000,
      );
      await until(says, (messages) => messages.every((text) => text === ''), 'the numbers back to calling');
    } finally {
      await options.close();
    }
  });

  it('after a browser restart, a CRM tab opened at once is marked within 3 s, and the agent is still signed in', async () => {
    await context.close();
    context = await launch();
    const page = await context.newPage();
    const opened = Date.now();
    await page.goto(crm.origin);
    // 3 s is the promise; 2 s is held here, since a start-up that waited on managed storage (seconds, the first time) took 2.4 s on this machine and 0.4 s without.
    await until(
      () => marksIn(page),
      (marks) => marks.length === 3,
      'marked after the restart',
      2_000,
    );
    assert.ok(Date.now() - opened <= 2_000);
    const before = (await notifications()).length;
    await page.locator('a[href="tel:+919845012347"]').click();
    await until(
      () => stateOf(page, 'tel:+919845012347'),
      (state) => state === 'active',
      'a call placed after the restart',
      15_000,
    );
    assert.deepEqual(
      (await notifications()).slice(before).map(({ agentNumber }) => agentNumber),
      [ASHA],
    );
    await page.locator('a[href="tel:+919845012347"]').click();
    await until(
      () => stateOf(page, 'tel:+919845012347'),
      (state) => state === 'idle',
      'ended',
    );
  });
});

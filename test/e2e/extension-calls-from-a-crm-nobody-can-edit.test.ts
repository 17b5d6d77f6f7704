// The browser extension, built as `npm run build:extension` builds it, loaded unpacked into
// Chromium (new headless mode), configured through its options page by the labels a person
// reads, on a CRM page with a strict Content-Security-Policy that no tag can be added to. The
// proxy is the CLI checking sign-in tokens, made here by jose (an independent library).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as esbuild from 'esbuild';
import { unzipSync } from 'fflate';
import { SignJWT } from 'jose';
import { type BrowserContext, chromium } from 'playwright';

import { CHROMIUM_ARGS, findChromium } from '../support/chromium.mjs';
import { type CliProxy, startCliProxy } from '../support/cli-proxy.js';
import { marksIn, until } from '../support/extension-pages.js';

const JWT_SECRET = 'extension_test_secret_0123456789abcdef_01234';
const ASHA = '+919876543210';

/** A CRM nobody here can edit: its own scripts only ('self'), a table its script renders later, a same-origin frame. */
const CRM_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Leads</title></head><body>
<h1>Lead</h1>
<p>Priya Nair, +91 98450 12345. Invoice INV-2024-000123 due 15/03/2024, order 4512378904.</p>
<p><a href="tel:+919845012349">Call Anita</a></p>
<table><tbody id="rows"></tbody></table>
<iframe src="/frame.html" title="Notes"></iframe>
<script src="/app.js"></script>
</body></html>`;

const CRM_SCRIPT = `setTimeout(() => {
  for (const [name, phone, id] of [['Rahul Mehta', '098450 12346', 'CUST-2024-0042'], ['Anita Rao', '+91 98450 12347', '2024-03-15']]) {
    const row = document.createElement('tr');
    for (const text of [name, phone, id]) row.insertCell().textContent = text;
    document.getElementById('rows').append(row);
  }
}, 300);
// What the CRM's own scripts could do to drive the extension or learn its secrets.
window.tryToDrive = () => {
  for (const mark of document.querySelectorAll('a[href^="tel:"]')) {
    mark.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
    mark.click();
    mark.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
  }
  window.postMessage({ kind: 'call', action: 'START', customerNumber: '+919845012345' }, '*');
  return typeof chrome === 'object' && chrome.runtime ? typeof chrome.runtime.sendMessage : 'no chrome.runtime';
};`;

/** A React 19 app (bundled here by esbuild, served by the CRM itself): rows it renders, then renders again. */
const REACT_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Leads (React)</title></head><body><div id="root"></div><script src="/react-app.js"></script></body></html>`;
const REACT_APP = `
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
function Leads() {
  const [tick, setTick] = useState(0);
  useEffect(() => { if (tick < 4) { const timer = setTimeout(() => setTick(tick + 1), 250); return () => clearTimeout(timer); } }, [tick]);
  const leads = [['Kiran Shah', '98450 12350'], ['Meena Iyer', '+91 98450 12351'], ...(tick >= 2 ? [['Vijay Das', '098450 12352']] : [])];
  return <main><h1>Leads</h1><p>Refreshed {tick} times</p><ul>{leads.map(([name, phone]) => <li key={name}>{name}: {phone} (seen {tick} min ago)</li>)}</ul></main>;
}
createRoot(document.getElementById('root')).render(<Leads />);
`;

const FRAME_PAGE = '<!doctype html><html lang="en"><body><p>Alternate: 98450 12348</p></body></html>';

async function serve(routes: Record<string, [type: string, body: string]>): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const route = routes[req.url ?? '/'];
    if (!route) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': route[0], 'Content-Security-Policy': "default-src 'self'" }).end(route[1]);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('the browser extension calls from a CRM page nobody can edit', { timeout: 240_000 }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'superfone-extension-'));
  const extensionDir = join(folder, 'extension');
  let context: BrowserContext;
  let extensionOrigin: string;
  let proxy: CliProxy;
  let crm: { server: Server; origin: string };
  let unlisted: { server: Server; origin: string };
  let token: string;
  const simulatorState = async () =>
    (await (await fetch(`http://127.0.0.1:${proxy.port}/__superfone-simulator/state`)).json()) as {
      notifications: Array<{ action: string; customerNumber: string; agentNumber: string }>;
    };

  before(async () => {
    const build = spawnSync(process.execPath, ['scripts/build-extension.mjs', '--out', extensionDir], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    context = await chromium.launchPersistentContext(join(folder, 'profile'), {
      executablePath: findChromium(),
      headless: true,
      args: [...CHROMIUM_ARGS, `--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`],
    });
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
    // URL gives an extension's origin as "null": it is the scheme and the id.
    extensionOrigin = `chrome-extension://${new URL(worker.url()).host}`;
    proxy = await startCliProxy({ SUPERFONE_JWT_SECRET: JWT_SECRET, SUPERFONE_ALLOWED_ORIGINS: extensionOrigin }, ['--simulate']);
    token = await new SignJWT({ superfone_agent: ASHA })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('superfone-proxy')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(JWT_SECRET));
    // axe-core served by the CRM itself: its CSP ('self') lets nothing else in, not even a test's script.
    const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    const reactApp = await esbuild.build({
      stdin: { contents: REACT_APP, loader: 'jsx', resolveDir: process.cwd() },
      bundle: true,
      write: false,
      format: 'iife',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      logLevel: 'error',
    });
    crm = await serve({
      '/': ['text/html', CRM_PAGE],
      '/app.js': ['text/javascript', CRM_SCRIPT],
      '/frame.html': ['text/html', FRAME_PAGE],
      '/axe.js': ['text/javascript', axeSource],
      '/react': ['text/html', REACT_PAGE],
      '/react-app.js': ['text/javascript', reactApp.outputFiles[0]!.text],
    });
    unlisted = await serve({ '/': ['text/html', '<!doctype html><p>Call us: +91 98450 12399</p>'] });
  });

  after(async () => {
    await context?.close();
    proxy?.child.kill();
    crm?.server.close();
    unlisted?.server.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('its options page, filled by its labels, says what is wrong in plain words, then saves', async () => {
    const options = await context.newPage();
    try {
      await options.goto(`${extensionOrigin}/options.html`);
      await options.getByLabel('Proxy URL').fill('proxy.example.com');
      await options.getByLabel('Agent number').fill('12');
      await options.getByLabel('Sign-in token').fill('not-a-token');
      await options.getByLabel('Sites').fill('');
      await options.getByRole('button', { name: 'Save' }).click();
      await until(
        () => options.locator('#status').textContent(),
        (text) => /Not saved/.test(text ?? ''),
        'the refusal',
      );
      assert.match((await options.locator('#proxyUrl-problem').textContent())!, /not a web address/);
      assert.match((await options.locator('#agentNumber-problem').textContent())!, /“12” is not a valid phone number/);
      assert.match((await options.locator('#token-problem').textContent())!, /not a sign-in token/);
      assert.match((await options.locator('#sites-problem').textContent())!, /List at least one site/);
      assert.equal(await options.getByLabel('Agent number').getAttribute('aria-invalid'), 'true');

      await options.getByLabel('Proxy URL').fill(proxy.url);
      await options.getByLabel('Agent number').fill('+91 98765 43210');
      await options.getByLabel('Sign-in token').fill(token);
      await options.getByLabel('Sites').fill(crm.origin);
      await options.getByRole('button', { name: 'Save' }).click();
      // Chromium reads managed storage (an admin's settings) for a second or more the first time.
      await until(
        () => options.locator('#status').textContent(),
        (text) => /^Saved/.test(text ?? ''),
        'the save',
        20_000,
      );
      assert.equal(await options.getByLabel('Agent number').getAttribute('aria-invalid'), 'false');
    } finally {
      await options.close();
    }
  });

  it('on the listed strict-CSP page, numbers (and those rendered later, and in a frame) become controls; a trusted click calls as the token’s agent, a second ends it; the page can neither drive it nor see the token', async () => {
    const page = await context.newPage();
    const pageRequests: string[] = [];
    page.on('request', (request) => pageRequests.push(request.url()));
    try {
      await page.goto(crm.origin);
      const expected = ['tel:+919845012345', 'tel:+919845012346', 'tel:+919845012347'];
      const marks = await until(
        () => marksIn(page),
        (found) => found.length === 3,
        'the page’s three numbers marked, and nothing else',
      );
      assert.deepEqual([...marks].sort(), expected, 'IDs, the invoice number, the order number and the dates stay text');
      const frame = page.frames().find((candidate) => candidate.url().endsWith('/frame.html'))!;
      await until(
        () => frame.$$eval('a[data-superfone-detected]', (found) => found.map((mark) => mark.getAttribute('href'))),
        (found) => found.length === 1,
        'the frame’s number marked',
      );
      assert.equal(await page.getByRole('link', { name: 'Call +91 98450 12345' }).count(), 1, 'a mark is a link named for its call');
      await page.addScriptTag({ url: '/axe.js' });
      const axeFindings = async () =>
        page.evaluate(
          `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }).then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`,
        );
      assert.deepEqual(await axeFindings(), [], 'axe (WCAG 2.2 AA) on the marked page');

      // The page's own scripts: untrusted clicks, key presses and messages start nothing.
      assert.equal(await page.evaluate(() => (window as unknown as { tryToDrive(): string }).tryToDrive()), 'no chrome.runtime');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      assert.equal((await simulatorState()).notifications.length, 0, 'nothing reached Superfone');
      assert.equal(await page.locator('a[data-superfone-state]').count(), 0);

      const mark = page.locator('a[href="tel:+919845012345"]');
      await mark.click();
      await until(
        () => mark.getAttribute('data-superfone-state'),
        (state) => state === 'active',
        'the call on',
      );
      assert.equal(await mark.getAttribute('aria-label'), 'End call with +91 98450 12345');
      assert.deepEqual(await axeFindings(), [], 'axe on the page with a call on');
      let notifications = (await simulatorState()).notifications;
      assert.deepEqual(
        notifications.map(({ action, customerNumber, agentNumber }) => [action, customerNumber, agentNumber]),
        [['START', '+919845012345', ASHA]],
      );
      await mark.press('Enter');
      await until(
        () => mark.getAttribute('data-superfone-state'),
        (state) => state === 'idle',
        'the call ended by the keyboard',
      );
      notifications = (await simulatorState()).notifications;
      assert.deepEqual(notifications.at(-1)!.action, 'END');

      // The page's own tel: link calls through Superfone too, and keeps its name.
      const own = page.getByRole('link', { name: 'Call Anita' });
      await own.click();
      await until(
        () => own.getAttribute('data-superfone-state'),
        (state) => state === 'active',
        'the tel: link’s call on',
      );
      assert.deepEqual((await simulatorState()).notifications.at(-1), { ...(await simulatorState()).notifications.at(-1), action: 'START', customerNumber: '+919845012349' });
      await own.click();
      await until(
        () => own.getAttribute('data-superfone-state'),
        (state) => state === 'idle',
        'the tel: link’s call ended',
      );
      await own.click({ modifiers: ['Control'] });
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.equal((await simulatorState()).notifications.at(-1)!.action, 'END', 'a modifier click keeps the browser’s default');

      const seen = await page.evaluate((secret) => {
        const everything = [document.documentElement.outerHTML, JSON.stringify(localStorage), JSON.stringify(sessionStorage), document.cookie, Object.keys(window).join(' ')].join(
          '\n',
        );
        return { token: everything.includes(secret), agent: everything.includes('9876543210') };
      }, token);
      assert.deepEqual(seen, { token: false, agent: false }, 'the page finds neither the token nor the agent’s number');
      assert.deepEqual(
        pageRequests.filter((url) => !url.startsWith(crm.origin)),
        [],
        'the page itself requests nothing from the proxy',
      );
    } finally {
      await page.close();
    }
  });

  it('how a call ended reaches its number: the worker follows the call to Superfone’s record, and the agent is free again', async () => {
    const control = (what: string, body: unknown) =>
      fetch(`http://127.0.0.1:${proxy.port}/__superfone-simulator/${what}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await control('outcome', { kind: 'answered', answerAfterMs: 100, talkMs: 1_200 })).status, 200);
    const page = await context.newPage();
    try {
      await page.goto(crm.origin);
      // A number of its own: the proxy allows 6 STARTs to one number in 30 minutes.
      const mark = page.locator('a[href="tel:+919845012347"]');
      await until(
        () => mark.count(),
        (count) => count === 1,
        'the number marked',
      );
      await mark.click();
      await until(
        () => mark.getAttribute('data-superfone-state'),
        (state) => state === 'active',
        'the call on',
      );
      // Nobody clicks End: the customer hangs up, Superfone reports it, the mark says so.
      await until(
        () => mark.getAttribute('data-superfone-state'),
        (state) => state === 'idle',
        'the call’s end heard',
        15_000,
      );
      assert.match((await mark.getAttribute('aria-description')) ?? '', /^Call ended/);
      assert.equal(await page.locator('[data-superfone-announcer]').textContent(), await mark.getAttribute('aria-description'), 'and said in the live region');
      await mark.click();
      await until(
        () => mark.getAttribute('data-superfone-state'),
        (state) => state === 'active',
        'the agent free to call again',
      );
      await mark.click();
      await until(
        () => mark.getAttribute('data-superfone-state'),
        (state) => state === 'idle',
        'that call ended',
      );
    } finally {
      await control('outcome', { kind: 'answered', talkMs: null });
      await page.close();
    }
  });

  it('a missed call shows as a Chrome notification with Call back: Chrome grants the permission and the icon, and the worker asks the proxy with the agent’s token', async () => {
    const reported = await fetch(`http://127.0.0.1:${proxy.port}/__superfone-simulator/inbound`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ customerNumber: '+919845012355', agentNumber: ASHA, contactName: 'Priya Nair' }),
    });
    assert.equal(reported.status, 200);
    const worker = context.serviceWorkers().find((candidate) => candidate.url().startsWith(extensionOrigin)) ?? (await context.waitForEvent('serviceworker', { timeout: 15_000 }));
    // The minute's alarm, rung now: as Chrome rings it.
    await worker.evaluate(() => chrome.alarms.create('missed-calls', { when: Date.now() + 50, periodInMinutes: 1 }));
    const shown = await until(
      () => worker.evaluate(async () => Object.keys(await chrome.notifications.getAll())),
      (ids) => ids.some((id) => id.startsWith('missed-call:')),
      'the notification',
      15_000,
    );
    assert.equal(shown.length, 1);
    // The icon it names is in the extension, and is a PNG.
    const icon = await worker.evaluate(async () => {
      const response = await fetch(chrome.runtime.getURL('icon-128.png'));
      return [response.status, [...new Uint8Array(await response.arrayBuffer()).slice(1, 4)]];
    });
    assert.deepEqual(icon, [200, [0x50, 0x4e, 0x47]]);
    await worker.evaluate((id) => chrome.notifications.clear(id), shown[0]!);
  });

  it('a worker Chrome stops mid-call follows the call again when it wakes, and still hears how it ended', async () => {
    const control = (what: string, body: unknown) =>
      fetch(`http://127.0.0.1:${proxy.port}/__superfone-simulator/${what}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    await control('outcome', { kind: 'answered', answerAfterMs: 100, talkMs: 4_000 });
    const [page, options] = [await context.newPage(), await context.newPage()];
    const cdp = await context.newCDPSession(options);
    try {
      await options.goto(`${extensionOrigin}/options.html`);
      await page.goto(crm.origin);
      const mark = page.locator('a[data-superfone-detected][href="tel:+919845012346"]');
      await until(
        () => mark.count(),
        (count) => count === 1,
        'the number marked',
      );
      await mark.click();
      await until(
        () => mark.getAttribute('data-superfone-state'),
        (state) => state === 'active',
        'the call on',
      );
      // What Chrome does to a worker idle for 30 seconds, done now: the stream it held is gone.
      const workerTarget = async () => (await cdp.send('Target.getTargets')).targetInfos.find((info) => info.type === 'service_worker' && info.url.startsWith(extensionOrigin));
      await cdp.send('Target.closeTarget', { targetId: (await workerTarget())!.targetId });
      await until(workerTarget, (target) => target === undefined, 'the worker stopped');
      // Its alarm wakes it within 30 seconds; it follows the call again and hears the record.
      await until(
        () => mark.getAttribute('data-superfone-state'),
        (state) => state === 'idle',
        'the call’s end heard after the worker woke',
        45_000,
      );
      assert.match((await mark.getAttribute('aria-description')) ?? '', /^Call ended/);
    } finally {
      await control('outcome', { kind: 'answered', talkMs: null });
      await cdp.detach().catch(() => {});
      await page.close();
      await options.close();
    }
  });

  it('one call per agent across tabs: a second tab’s number says the agent is busy, and calls once the first call ends', async () => {
    const [first, second] = [await context.newPage(), await context.newPage()];
    try {
      await first.goto(crm.origin);
      await second.goto(crm.origin);
      const inFirst = first.locator('a[href="tel:+919845012345"]');
      const inSecond = second.locator('a[data-superfone-detected][href="tel:+919845012346"]');
      await until(
        () => inSecond.count(),
        (count) => count === 1,
        'the second tab’s table marked',
      );
      await inFirst.click();
      await until(
        () => inFirst.getAttribute('data-superfone-state'),
        (state) => state === 'active',
        'the first call on',
      );
      const before = (await simulatorState()).notifications.length;
      await inSecond.click();
      await until(
        () => inSecond.getAttribute('aria-description'),
        (text) => /busy|call with/i.test(text ?? ''),
        'the agent said busy',
      );
      assert.equal(await inSecond.getAttribute('data-superfone-state'), 'idle');
      assert.equal((await simulatorState()).notifications.length, before, 'no second START reached Superfone');
      await inFirst.click();
      await until(
        () => inFirst.getAttribute('data-superfone-state'),
        (state) => state === 'idle',
        'the first call ended',
      );
      await inSecond.click();
      await until(
        () => inSecond.getAttribute('data-superfone-state'),
        (state) => state === 'active',
        'the second tab’s call on',
      );
      await inSecond.click();
      await until(
        () => inSecond.getAttribute('data-superfone-state'),
        (state) => state === 'idle',
        'the second tab’s call ended',
      );
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('in a React app that renders its rows again and again, every number is a control, and calls', async () => {
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${crm.origin}/react`);
      await until(
        () => page.locator('p').textContent(),
        (text) => text === 'Refreshed 4 times',
        'React done re-rendering',
      );
      const marks = await until(
        () => marksIn(page),
        (found) => found.length === 3,
        'the three numbers marked after the re-renders',
      );
      assert.deepEqual([...marks].sort(), ['tel:+919845012350', 'tel:+919845012351', 'tel:+919845012352']);
      assert.deepEqual(
        await page.locator('li').allTextContents(),
        ['Kiran Shah: 98450 12350 (seen 4 min ago)', 'Meena Iyer: +91 98450 12351 (seen 4 min ago)', 'Vijay Das: 098450 12352 (seen 4 min ago)'],
        'the text React rendered, unchanged',
      );
      const mark = page.locator('a[href="tel:+919845012352"]');
      await mark.click();
      await until(
        () => mark.getAttribute('data-superfone-state'),
        (state) => state === 'active',
        'the call on',
      );
      await mark.click();
      await until(
        () => mark.getAttribute('data-superfone-state'),
        (state) => state === 'idle',
        'the call ended',
      );
      assert.deepEqual(errors, [], 'React met nothing it did not render');
    } finally {
      await page.close();
    }
  });

  it('the zip holds exactly the unpacked extension', () => {
    const zipped = unzipSync(readFileSync(join(folder, 'superfone-call-button-extension.zip')));
    assert.deepEqual(Object.keys(zipped).sort(), readdirSync(extensionDir).sort());
    assert.equal(JSON.parse(new TextDecoder().decode(zipped['manifest.json'])).manifest_version, 3);
  });

  it('a site not listed is left alone', async () => {
    const page = await context.newPage();
    try {
      await page.goto(unlisted.origin);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.deepEqual(await marksIn(page), []);
      assert.equal(await page.locator('p').evaluate((p) => p.innerHTML), 'Call us: +91 98450 12399');
    } finally {
      await page.close();
    }
  });
});

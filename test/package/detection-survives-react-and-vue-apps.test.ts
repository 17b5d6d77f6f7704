import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as esbuild from 'esbuild';
import { SignJWT } from 'jose';
import type { Browser, Page } from 'playwright';

import { launchChromium } from '../support/chromium.mjs';
import { installPackedTarball, NPM, type PackedProject, readmeRecipe, ROOT } from '../support/packed-project.js';

/**
 * Real React 18, React 19 and Vue 3 apps, each installed from its own lockfile with the
 * packed tarball beside it, as a user's app is, and driven in Chromium with detection on
 * throughout. After every step the page must read as the framework rendered it, and the
 * numbers a person can call must be exactly the numbers on screen.
 */
const APPS = [
  { name: 'React 18', dir: 'react18', source: 'react', entry: 'client.jsx', recipe: 'react', serverRendered: true },
  { name: 'React 19', dir: 'react19', source: 'react', entry: 'client.jsx', recipe: 'react', serverRendered: true },
  { name: 'Vue 3', dir: 'vue3', source: 'vue3', entry: 'app.js', recipe: 'vue', serverRendered: false },
] as const;

/** Mounts the README's React recipe, which exports a component. */
const REACT_RECIPE_ENTRY = `import { createRoot } from 'react-dom/client';
import { Contact } from './recipe.jsx';
const onLog = (line) => document.getElementById('log').append(Object.assign(document.createElement('li'), { textContent: line }));
createRoot(document.getElementById('app')).render(<Contact contact={{ note: 'Call back on 098450 12345', phone: '080000 00001' }} agentNumber="+919876543210" onLog={onLog} />);
`;

/** Mounts the README's React sign-in recipe, which exports a component. */
const REACT_SIGN_IN_ENTRY = `import { createRoot } from 'react-dom/client';
import { SignedInContact } from './recipe-sign-in.jsx';
const onLog = (line) => document.getElementById('log').append(Object.assign(document.createElement('li'), { textContent: line }));
createRoot(document.getElementById('app')).render(<SignedInContact contact={{ phone: '098450 12345' }} onLog={onLog} />);
`;

/** The components' event props, as docs/pages.md names them ("Event props: `onCallStart`, …"). */
const EVENT_PROPS = [...(/^Event props:([^.]*)/m.exec(readFileSync(join(ROOT, 'docs/pages.md'), 'utf8'))?.[1] ?? '').matchAll(/`(on\w+)`/g)].map(([, name]) => name!);

/** A button with every event prop, each telling the page its own name. */
const REACT_EVENTS_ENTRY = `import { createRoot } from 'react-dom/client';
import { SuperfoneCallButton } from 'superfone-call-button/react';
window.heard = [];
const props = Object.fromEntries(${JSON.stringify(EVENT_PROPS)}.map((name) => [name, (event) => window.heard.push([name, event.type])]));
createRoot(document.getElementById('app')).render(<SuperfoneCallButton customerNumber="+918000000001" {...props} />);
`;

const JWT_SECRET = 'crm-signing-secret-0123456789abcdef';
const ASHA = '+919876543210';

/** A note cell as it reads: the name in bold, then the note's own text node. */
const NOTE = (name: string, phone: string) => `${name}: Call back ${name} on ${phone} regarding the order`;
const ARJUN = '+919123456789';
const ARJUN_EDITED = '+919900122334';
const BELA = '+919845012345';
const CHITRA = '+918023456789';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };

let packed: PackedProject;
before(() => {
  packed = installPackedTarball();
});
after(() => packed?.remove());

/** The app's own install (its lockfile), the tarball added, bundled the way an app bundles. */
async function buildApp(app: (typeof APPS)[number]): Promise<string> {
  const dir = join(packed.dir, app.dir);
  mkdirSync(join(dir, 'src'), { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, 'test/apps', app.dir, file), join(dir, file));
  copyFileSync(join(ROOT, 'test/apps/crm-data.js'), join(dir, 'crm-data.js'));
  cpSync(join(ROOT, 'test/apps', app.source), join(dir, 'src'), { recursive: true });
  const entry = join(dir, 'src', app.entry);
  // The README's recipe for this framework, as a second page of the same app.
  const recipeEntry = join(dir, 'src', 'recipe-entry.jsx');
  // And its sign-in recipe, a third.
  const signInEntry = join(dir, 'src', 'sign-in-entry.jsx');
  // React only: a button with every event prop, a fourth.
  const eventsEntry = join(dir, 'src', 'events-entry.jsx');
  if (app.recipe === 'react') {
    writeFileSync(join(dir, 'src', 'recipe.jsx'), readmeRecipe('react'));
    writeFileSync(recipeEntry, REACT_RECIPE_ENTRY);
    writeFileSync(join(dir, 'src', 'recipe-sign-in.jsx'), readmeRecipe('react-sign-in'));
    writeFileSync(signInEntry, REACT_SIGN_IN_ENTRY);
    writeFileSync(eventsEntry, REACT_EVENTS_ENTRY);
  } else {
    writeFileSync(recipeEntry, readmeRecipe('vue'));
    writeFileSync(signInEntry, readmeRecipe('vue-sign-in'));
  }
  const quiet = { cwd: dir, stdio: 'ignore' as const };
  execFileSync(NPM, ['ci', '--prefer-offline', '--no-audit', '--no-fund'], quiet);
  execFileSync(NPM, ['install', packed.tarball, '--no-save', '--prefer-offline', '--no-audit', '--no-fund'], quiet);
  await esbuild.build({
    entryPoints: [entry, recipeEntry, signInEntry, ...(app.recipe === 'react' ? [eventsEntry] : [])],
    absWorkingDir: dir,
    bundle: true,
    splitting: true,
    format: 'esm',
    outdir: join(dir, 'public'),
    jsx: 'automatic',
    minify: true,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"', __VUE_OPTIONS_API__: 'true', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' },
  });
  if (app.serverRendered) {
    // The app rendered to HTML on the server, with the package imported there as well.
    await esbuild.build({
      entryPoints: [join(dir, 'src/server.jsx')],
      absWorkingDir: dir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      jsx: 'automatic',
      outfile: join(dir, 'server.cjs'),
      logLevel: 'silent',
      define: { 'process.env.NODE_ENV': '"production"' },
    });
    writeFileSync(join(dir, 'public/server-rendered.html'), execFileSync(process.execPath, [join(dir, 'server.cjs')], { cwd: dir, encoding: 'utf8' }));
  }
  return dir;
}

/**
 * The built app on loopback, the packed proxy at /api/superfone/call, the packed simulator
 * behind it. With `signIn`, the proxy takes sign-in tokens only (`auth`), and the CRM's
 * `/crm/superfone-token` hands one out (made by jose) while `signIn.signedIn` holds, else 401.
 */
async function serveApp(dir: string, signIn?: { signedIn: boolean }): Promise<{ url: string; upstream: any; close(): Promise<void> }> {
  const installed = join(dir, 'node_modules/superfone-call-button/dist');
  const { startSuperfoneSimulator } = await import(join(installed, 'simulator/index.js'));
  const { superfoneListener } = await import(join(installed, 'server/node.js'));
  const upstream = await startSuperfoneSimulator();
  const proxy = superfoneListener({
    apiKey: upstream.simulator.apiKey,
    apiBase: upstream.apiBase,
    path: '/api/superfone/call',
    ...(signIn ? { auth: { secret: JWT_SECRET } } : {}),
  });
  const server: Server = createServer(async (req, res) => {
    if (req.url?.startsWith('/api/')) return void proxy(req, res);
    if (signIn && req.url === '/crm/superfone-token') {
      if (!signIn.signedIn) return void res.writeHead(401, { 'Content-Type': 'text/plain' }).end('Not signed in. Sign in to the CRM first.');
      const token = await new SignJWT({ superfone_agent: ASHA })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience('superfone-proxy')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(JWT_SECRET));
      return void res.writeHead(200, { 'Content-Type': 'text/plain' }).end(token);
    }
    const entry = readdirSync(join(dir, 'public')).find((file) => /^(client|app)\.js$/.test(file));
    const pages: Record<string, [string, string]> = {
      '/': [`/${entry}`, ''],
      '/recipe.html': ['/recipe-entry.js', ''],
      '/sign-in.html': ['/sign-in-entry.js', ''],
      '/events.html': ['/events-entry.js', ''],
      '/hydrate.html': [`/${entry}`, existsSync(join(dir, 'public/server-rendered.html')) ? readFileSync(join(dir, 'public/server-rendered.html'), 'utf8') : ''],
    };
    const page = pages[req.url ?? ''];
    const file = page ? null : join(dir, 'public', req.url!.slice(1));
    res.setHeader('Content-Type', file ? (TYPES[extname(file)] ?? 'application/octet-stream') : 'text/html');
    try {
      res.end(
        file
          ? readFileSync(file)
          : `<!doctype html><html lang="en"><body><div id="app">${page![1]}</div><ul id="log"></ul><script type="module" src="${page![0]}"></script></body></html>`,
      );
    } catch {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    upstream,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await upstream.close();
    },
  };
}

/** The numbers a person can call now, and the text of each row's note, as the page reads. */
async function snapshot(page: Page): Promise<{ callable: string[]; notes: string[] }> {
  // Detection works in time slices; let it catch up before looking.
  await page.evaluate(() => (document.querySelector('superfone-click-to-call') as any).scanComplete());
  return page.evaluate(() => ({
    callable: [...document.querySelectorAll<HTMLAnchorElement>('a[data-superfone-detected]')].map((mark) => mark.getAttribute('href')!.replace(/^tel:/, '')).sort(),
    notes: [...document.querySelectorAll<HTMLElement>('td.note')].map((cell) => cell.innerText),
  }));
}

for (const app of APPS) {
  describe(`detection in a real ${app.name} app, built from the packed tarball`, { timeout: 180_000 }, () => {
    let served: Awaited<ReturnType<typeof serveApp>>;
    let browser: Browser;
    let page: Page;
    const errors: string[] = [];

    before(async () => {
      served = await serveApp(await buildApp(app));
      browser = await launchChromium();
      page = await browser.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(served.url);
      await page.locator('td.note a[data-superfone-detected]').first().waitFor();
    });
    after(async () => {
      await browser?.close();
      await served?.close();
    });

    it('renders the contacts, every number callable and read as written', async () => {
      assert.deepEqual(await snapshot(page), {
        callable: [CHITRA, BELA, ARJUN].sort(),
        notes: [NOTE('Arjun', '91234 56789'), NOTE('Bela', '098450 12345'), NOTE('Chitra', '080 2345 6789')],
      });
    });

    it('a contact’s number edited: the old one is no longer callable, the new one is', async () => {
      await page.click('#edit');
      const after = await snapshot(page);
      assert.deepEqual(after.callable, [CHITRA, BELA, ARJUN_EDITED].sort());
      assert.equal(after.notes[0], NOTE('Arjun', '99001 22334'));
    });

    it('re-sorted, then filtered: rows move and go, their numbers with them', async () => {
      await page.click('#sort');
      assert.deepEqual((await snapshot(page)).notes, [NOTE('Chitra', '080 2345 6789'), NOTE('Bela', '098450 12345'), NOTE('Arjun', '99001 22334')]);
      await page.fill('#filter', 'r');
      assert.deepEqual(await snapshot(page), { callable: [CHITRA, ARJUN_EDITED].sort(), notes: [NOTE('Chitra', '080 2345 6789'), NOTE('Arjun', '99001 22334')] });
      await page.fill('#filter', '');
      assert.equal((await snapshot(page)).callable.length, 3);
    });

    it('a row removed: its number is gone', async () => {
      await page.click('#remove-2');
      assert.deepEqual((await snapshot(page)).callable, [CHITRA, ARJUN_EDITED].sort());
    });

    it('a detected number places a call, and the app hears superfone-call-started', async () => {
      await page.locator('tr[data-id="3"] a[data-superfone-detected]').click();
      await page.locator('#log li', { hasText: `started ${CHITRA}` }).waitFor({ timeout: 10_000 });
    });

    it('routed away and back: nothing stale while away, detection again on return', async () => {
      await page.click('#to-notes');
      assert.deepEqual(await snapshot(page), { callable: [], notes: [] });
      await page.click('#to-contacts');
      await page.locator('td.note a[data-superfone-detected]').first().waitFor();
      assert.equal((await snapshot(page)).callable.length, 3, 'the app re-rendered its first state');
    });

    it('typing into a draft that re-renders a preview on every key', async () => {
      await page.click('#to-notes');
      const preview = page.locator('#preview');
      await page.locator('#draft').pressSequentially('Call me on 98450 12345 tomorrow', { delay: 5 });
      await page.evaluate(() => (document.querySelector('superfone-click-to-call') as any).scanComplete());
      assert.equal(await preview.innerText(), 'Preview: Call me on 98450 12345 tomorrow');
      assert.deepEqual((await snapshot(page)).callable, [BELA]);
      for (let index = 0; index < 'tomorrow'.length + 3; index++) await page.locator('#draft').press('Backspace');
      await page.evaluate(() => (document.querySelector('superfone-click-to-call') as any).scanComplete());
      assert.equal(await preview.innerText(), 'Preview: Call me on 98450 123');
      assert.deepEqual((await snapshot(page)).callable, [], 'a number cut short is no longer callable');
      await page.locator('#draft').pressSequentially('99 soon', { delay: 5 });
      await page.evaluate(() => (document.querySelector('superfone-click-to-call') as any).scanComplete());
      assert.equal(await preview.innerText(), 'Preview: Call me on 98450 12399 soon');
      assert.deepEqual((await snapshot(page)).callable, ['+919845012399']);
    });

    if (app.serverRendered) {
      it('hydrated from server-rendered markup: the page reads as rendered, its numbers callable, and it still edits', async () => {
        const markup = await (await fetch(`${served.url}hydrate.html`)).text();
        assert.match(markup, /<td class="note"><b>Arjun<!-- -->:<\/b> <!-- -->Call back Arjun on 91234 56789/, 'the server rendered the app');
        await page.evaluate(() => localStorage.clear());
        await page.goto(`${served.url}hydrate.html`);
        await page.locator('td.note a[data-superfone-detected]').first().waitFor();
        assert.deepEqual(await snapshot(page), {
          callable: [CHITRA, BELA, ARJUN].sort(),
          notes: [NOTE('Arjun', '91234 56789'), NOTE('Bela', '098450 12345'), NOTE('Chitra', '080 2345 6789')],
        });
        await page.click('#edit');
        const edited = await snapshot(page);
        assert.deepEqual(edited.callable, [CHITRA, BELA, ARJUN_EDITED].sort());
        assert.equal(edited.notes[0], NOTE('Arjun', '99001 22334'));
      });
    }

    if (app.recipe === 'react') {
      it('each event prop the docs name hears its own event, and only it', async () => {
        assert.equal(EVENT_PROPS.length, 7, 'docs/pages.md names seven event props');
        await page.goto(`${served.url}events.html`);
        await page.locator('superfone-call-button').waitFor();
        // onCallStarted hears superfone-call-started: the docs' names, spelled as events.
        const expected = EVENT_PROPS.map((name) => [
          name,
          `superfone-call-${name
            .slice('onCall'.length)
            .replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)
            .slice(1)}`,
        ]);
        for (const [, type] of expected) {
          await page.evaluate(
            (name) => document.querySelector('superfone-call-button')!.dispatchEvent(new CustomEvent(name, { bubbles: true, composed: true, detail: {} })),
            type!,
          );
        }
        assert.deepEqual(await page.evaluate(() => (window as unknown as { heard: string[][] }).heard), expected);
      });
    }

    it(`the README’s ${app.recipe === 'react' ? 'React' : 'Vue'} recipe: the button places the call with the scope’s agent, the note’s number is callable`, async () => {
      // A fresh start: the app's own call is still recorded for the agent in this origin.
      served.upstream.simulator.reset();
      await page.evaluate(() => localStorage.clear());
      await page.goto(`${served.url}recipe.html`);
      const button = page.locator('superfone-call-button:not([data-superfone-detected])');
      await page.locator('p a[data-superfone-detected]').waitFor();
      assert.deepEqual((await snapshot(page)).callable, [BELA], 'the number in the note');
      await button.click();
      await button.and(page.locator('[state="active"]')).waitFor({ timeout: 10_000 });
      const [notification] = served.upstream.simulator.snapshot().notifications;
      // The React recipe's button calls 080000 00001; the Vue recipe's, the number in its note.
      const customer = app.recipe === 'react' ? '+918000000001' : BELA;
      assert.deepEqual([notification.action, notification.agentNumber, notification.customerNumber], ['START', '+919876543210', customer]);
      if (app.recipe === 'react') await page.locator('#log li', { hasText: 'started +918000000001' }).waitFor();
    });

    it(`the README’s ${app.recipe === 'react' ? 'React' : 'Vue'} sign-in recipe: getToken’s token places the call as its agent, in the page’s own words; signed out, token_unavailable with its reason`, async () => {
      const signIn = { signedIn: true };
      const signedInApp = await serveApp(join(packed.dir, app.dir), signIn);
      try {
        await page.evaluate(() => localStorage.clear());
        await page.goto(`${signedInApp.url}sign-in.html`);
        const button = page.getByRole('button', { name: /^Call \+91 98450 12345$/ });
        await button.waitFor({ timeout: 10_000 });
        assert.equal((await button.textContent())!.trim(), 'Dial', 'messages reached the control through the scope');
        await button.click();
        await page.locator('#log li', { hasText: `started ${BELA}` }).waitFor({ timeout: 10_000 });
        const [notification] = signedInApp.upstream.simulator.snapshot().notifications;
        assert.deepEqual([notification.action, notification.agentNumber, notification.customerNumber], ['START', ASHA, BELA], 'the token’s agent, named nowhere in the page');
        await page.getByRole('button', { name: /^End call with/ }).click();
        await page.locator('superfone-call-button[state="idle"]').waitFor({ timeout: 10_000 });

        signIn.signedIn = false;
        await page.getByRole('button', { name: /^Call \+91 98450 12345$/ }).click();
        await page.locator('#log li', { hasText: 'token_unavailable: getToken failed: Error: no Superfone token: HTTP 401' }).waitFor({ timeout: 10_000 });
        await page.locator('superfone-call-button[state="error"]').waitFor();
        assert.equal(signedInApp.upstream.simulator.snapshot().notifications.length, 2, 'nothing more reached Superfone (the START and its END only)');
      } finally {
        await signedInApp.close();
      }
    });

    it('no page errors', () => {
      assert.deepEqual(errors, []);
    });
  });
}

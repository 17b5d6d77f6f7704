import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright';

import { cdnUpFront } from '../support/cdn-up-front.js';
import { launchChromium } from '../support/chromium.mjs';
import { freePort } from '../support/free-port.js';
import { installPackedTarball, NPM, type PackedProject, readmeRecipe } from '../support/packed-project.js';

/** What the README promises the CDN folder's entry fetches before anything draws. */
const UP_FRONT_BUDGET_GZIP_BYTES = 20_000;

/**
 * The README's page recipes, each in the project it names, from the packed tarball: the
 * quick start (Express serving the page, the element's file from node_modules and the
 * simulated proxy on one origin) and a Vite app (the README's vite.config.js, its "In a
 * page" markup, detection markup, Tamil catalogue and call-completed listener), in Chromium.
 */
describe('the README’s page recipes run as written', { timeout: 180_000 }, () => {
  let packed: PackedProject;
  let browser: Browser;
  const children: ChildProcess[] = [];

  before(async () => {
    packed = installPackedTarball();
    execFileSync(NPM, ['install', 'express@5', 'vite@8', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: packed.dir, stdio: 'ignore' });
    browser = await launchChromium();
  });
  after(async () => {
    for (const child of children) child.kill();
    await browser?.close();
    packed?.remove();
  });

  /** Starts `args` with node in `cwd` and resolves once its output matches `ready`. */
  async function start(name: string, args: string[], cwd: string, env: Record<string, string>, ready: RegExp): Promise<void> {
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH, ...env } });
    children.push(child);
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 30_000);
      const read = (chunk: Buffer) => (output += chunk) && ready.test(output) && (clearTimeout(timer), resolve());
      child.stdout!.on('data', read);
      child.stderr!.on('data', read);
      child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${name} exited ${code}: ${output}`))));
    });
  }

  /** A page that records its errors and the scripts it loads. */
  async function openPage(url: string): Promise<{ page: Page; errors: string[]; scripts: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    const scripts: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => request.resourceType() === 'script' && scripts.push(new URL(request.url()).pathname));
    await page.goto(url);
    return { page, errors, scripts };
  }

  it('the quick start: one origin, the element’s file from node_modules, the simulated call placed, the note’s number a link', async () => {
    mkdirSync(join(packed.dir, 'public'));
    writeFileSync(join(packed.dir, 'server.mjs'), readmeRecipe('quick-start-server'));
    writeFileSync(join(packed.dir, 'public/index.html'), readmeRecipe('quick-start-page'));
    const port = await freePort();
    // `node server.mjs` as the README says; it prints nothing, so wait for the port.
    const child = spawn(process.execPath, ['server.mjs'], { cwd: packed.dir, env: { PATH: process.env.PATH, PORT: String(port) } });
    children.push(child);
    const { page, errors, scripts } = await (async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await openPage(`http://localhost:${port}/`);
        } catch (error) {
          if (attempt >= 100 || child.exitCode !== null) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    })();
    try {
      await page.getByRole('button', { name: 'Call +91 80000 00001' }).click();
      await page.getByRole('button', { name: 'End call with +91 80000 00001' }).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('superfone-call-button').first().getAttribute('state'), 'active');
      const mark = page.locator('a[data-superfone-detected]');
      assert.equal(await mark.getAttribute('href'), 'tel:+919845012345');
      // One script tag; everything else it loads comes from the same folder.
      assert.equal(scripts[0], '/superfone-call-button/superfone-call-button.js');
      assert.ok(
        scripts.every((script) => script.startsWith('/superfone-call-button/')),
        scripts.join(', '),
      );
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
    const upFront = cdnUpFront(join(packed.dir, 'node_modules/superfone-call-button/cdn'));
    console.log(`cdn/ up front: ${upFront.files.join(' + ')} = ${upFront.gzipBytes} B gzipped (README: at most ${UP_FRONT_BUDGET_GZIP_BYTES.toLocaleString('en')} B)`);
    assert.ok(upFront.gzipBytes <= UP_FRONT_BUDGET_GZIP_BYTES, `${upFront.gzipBytes} B gzipped`);
  });

  describe('a Vite app made of the README’s snippets', () => {
    let origin: string;

    before(async () => {
      const app = join(packed.dir, 'vite-app');
      mkdirSync(app);
      writeFileSync(join(app, 'vite.config.js'), readmeRecipe('vite-config'));
      writeFileSync(join(app, 'tamil.js'), readmeRecipe('tamil'));
      writeFileSync(join(app, 'call-completed.js'), readmeRecipe('call-completed-page'));
      writeFileSync(join(app, 'call-reports.js'), readmeRecipe('call-reports-page'));
      writeFileSync(join(app, 'missed-call.js'), readmeRecipe('missed-call-page'));
      writeFileSync(
        join(app, 'index.html'),
        `<!doctype html>
<html lang="en">
<head><meta charset="utf-8" /><title>CRM</title></head>
<body>
${readmeRecipe('in-a-page')}
${readmeRecipe('detect-markup')}
<script>
  // The reader's own CRM object, which the call-completed and call-reports recipes log to.
  const kept = (list) => (entry) => window.crm.activity[list].push(entry);
  window.crm = { activity: { entries: [], attached: [], notes: [], log: kept('entries'), attach: kept('attached'), note: kept('notes') } };
  window.crm.leads = { flagged: [], flag: (lead) => window.crm.leads.flagged.push(lead) };
</script>
${readmeRecipe('missed-calls-page')}
<script type="module" src="/tamil.js"></script>
<script type="module" src="/call-completed.js"></script>
<script type="module" src="/call-reports.js"></script>
<script type="module" src="/missed-call.js"></script>
</body>
</html>`,
      );
      const port = await freePort();
      // As a reader runs it: `npx vite`, no key, so the plugin simulates Superfone.
      await start('vite', [join(packed.dir, 'node_modules/vite/bin/vite.js'), '--port', String(port), '--strictPort', '--host', '127.0.0.1'], app, {}, /ready in/);
      origin = `http://127.0.0.1:${port}`;
    });

    const simulated = async () => (await (await fetch(`${origin}/__superfone-simulator/state`, { signal: AbortSignal.timeout(10_000) })).json()) as any;

    it('the missed-calls recipes: a missed call the simulated Superfone reports is listed with Call back, and flagged as a lead', async () => {
      const { page, errors } = await openPage(origin);
      try {
        const list = page.locator('superfone-missed-calls');
        await list.getByText('No missed calls.').waitFor({ timeout: 20_000 });
        const reported = await fetch(`${origin}/__superfone-simulator/inbound`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ customerNumber: '+919845012399', agentNumber: '+919876543210', contactName: 'Priya Nair' }),
          signal: AbortSignal.timeout(10_000),
        });
        assert.equal(reported.status, 200);
        await page.getByRole('button', { name: 'Call back +91 98450 12399' }).waitFor({ timeout: 20_000 });
        await page.waitForFunction(() => (window as any).crm.leads.flagged.length > 0, null, { timeout: 10_000 });
        const [lead] = await page.evaluate(() => (window as any).crm.leads.flagged);
        assert.deepEqual([lead.phone, lead.name], ['+919845012399', 'Priya Nair']);
        assert.match(lead.at, /^\d{4}-\d\d-\d\dT/);
        // Dismissed, it is gone.
        await page.getByRole('button', { name: 'Dismiss the missed call from +91 98450 12399' }).click();
        await list.getByText('No missed calls.').waitFor({ timeout: 10_000 });
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    });

    it('the call-reports recipe attaches the recording and notes the summary when the simulated Superfone reports them', async () => {
      const control = (route: string, body: unknown) =>
        fetch(`${origin}/__superfone-simulator/${route}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(10_000),
        });
      assert.equal((await control('outcome', { kind: 'answered', answerAfterMs: 0, talkMs: 300, next: true })).status, 200);
      assert.equal((await control('reports', { recordingAfterMs: 100, summaryAfterMs: 200 })).status, 200);
      const { page, errors } = await openPage(origin);
      try {
        await page.getByRole('button', { name: 'Call +91 98450 12345' }).click();
        await page.waitForFunction(() => (window as any).crm.activity.notes.length > 0, null, { timeout: 30_000 });
        const { entries, attached, notes } = await page.evaluate(() => (window as any).crm.activity);
        assert.equal(attached.length, 1);
        assert.equal(attached[0].callId, entries[0].callId);
        assert.match(attached[0].recordingUrl, /^https:\/\/recordings\.simulator\.invalid\//);
        assert.match(attached[0].expiresAt, /^\d{4}-\d\d-\d\dT/);
        assert.deepEqual(notes, [{ callId: entries[0].callId, text: 'The customer (+919845012345) asked for a quote and a call back tomorrow.' }]);
        assert.deepEqual(errors, []);
      } finally {
        await control('reset', {});
        await page.close();
      }
    });

    it('the page’s veto stops a call to a number on its do-not-call list; the other control places its call, in the words the Tamil recipe gave it', async () => {
      const { page, errors } = await openPage(origin);
      try {
        const [allowed, listed] = [page.locator('superfone-call-button').nth(0), page.locator('superfone-call-button').nth(1)];
        await page.getByRole('button', { name: 'Call +91 80000 00009' }).click();
        // Vetoed: nothing sent, and the control is still ready to call.
        await page.waitForTimeout(500);
        assert.equal(await listed.getAttribute('state'), 'idle');
        assert.equal((await simulated()).notifications.length, 0);

        // The recipe set this control's word for Call to "Ring".
        assert.equal((await allowed.locator('button').innerText()).trim(), 'Ring');
        await page.getByRole('button', { name: 'Call +91 98450 12345' }).click();
        await page.getByRole('button', { name: 'End call with +91 98450 12345' }).waitFor({ timeout: 10_000 });
        const [notification] = (await simulated()).notifications;
        assert.deepEqual([notification.action, notification.agentNumber, notification.customerNumber], ['START', '+919876543210', '+919845012345']);

        // The call-completed recipe hands the record to the CRM's log when the call is over.
        await page.getByRole('button', { name: 'End call with +91 98450 12345' }).click();
        await page.waitForFunction(() => (window as any).crm.activity.entries.length > 0, null, { timeout: 20_000 });
        const [entry] = await page.evaluate(() => (window as any).crm.activity.entries);
        // The call's id: 128 random bits, the capability the page followed the call with.
        assert.match(entry.callId, /^[A-Za-z0-9_-]{22}$/);
        assert.ok(['answered', 'missed'].includes(entry.status), JSON.stringify(entry));
        assert.equal(typeof entry.seconds, 'number');

        // The Tamil catalogue the recipe registered speaks when the page does.
        await page.evaluate(() => (document.documentElement.lang = 'ta'));
        await page.getByRole('button', { name: '+91 80000 00009 ஐ அழை' }).waitFor({ timeout: 10_000 });
        assert.equal((await listed.locator('button').innerText()).trim(), 'அழை');
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    });

    it('the detection markup: the note’s number is a call link, the invoice number and the date stay text, the page’s tel: link stays', async () => {
      const { page, errors } = await openPage(origin);
      try {
        const note = page.locator('superfone-click-to-call[detect] p');
        await note.locator('a[data-superfone-detected]').waitFor({ timeout: 10_000 });
        assert.deepEqual(await note.locator('a[data-superfone-detected]').evaluateAll((links) => links.map((link) => [link.getAttribute('href'), link.textContent])), [
          ['tel:+919845012345', '098450 12345'],
        ]);
        assert.equal(await note.innerText(), 'Spoke to Arjun on 098450 12345 about invoice INV-2024-000123 due 15/03/2024.');
        assert.equal(await page.getByRole('link', { name: /Rahul/ }).getAttribute('href'), 'tel:+919845098450');
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    });
  });
});

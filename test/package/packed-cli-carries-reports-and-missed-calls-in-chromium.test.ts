import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright';

import { launchChromium } from '../support/chromium.mjs';
import { type CliProxy, startCliProxy } from '../support/cli-proxy.js';
import { installPackedTarball, type PackedProject } from '../support/packed-project.js';

// After the call, end to end as a user installs it: the packed `superfone-proxy --simulate`
// on one origin, a CRM page with the packed CDN build on another, in Chromium. The simulated
// Superfone reports a call's recording and summary, and a customer's call the agent missed;
// the page hears both, and Call back clears the missed call everywhere.
const ASHA = '+919876543210';
const EVENTS = ['superfone-call-started', 'superfone-call-completed', 'superfone-call-recording', 'superfone-call-summary', 'superfone-missed-call'];

describe('the packed CLI carries recordings, summaries and missed calls to a page in Chromium', { timeout: 240_000 }, () => {
  let packed: PackedProject;
  let pages: Server;
  let proxy: CliProxy;
  let browser: Browser;
  let origin: string;
  const control = (route: string, body: unknown) =>
    fetch(`http://127.0.0.1:${proxy.port}/__superfone-simulator/${route}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  const simulated = async () =>
    (await (await fetch(`http://127.0.0.1:${proxy.port}/__superfone-simulator/state`)).json()) as {
      notifications: Array<{ action: string; agentNumber: string; customerNumber: string }>;
    };

  before(async () => {
    packed = installPackedTarball();
    const installed = join(packed.dir, 'node_modules/superfone-call-button');
    let proxyUrl = '';
    pages = createServer((req, res) => {
      if (req.url?.startsWith('/cdn/')) {
        try {
          res.setHeader('Content-Type', 'text/javascript');
          return void res.end(readFileSync(join(installed, req.url.split('?')[0]!)));
        } catch {
          res.statusCode = 404;
          return void res.end();
        }
      }
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><title>CRM</title>
<script>window.seen = []; for (const name of ${JSON.stringify(EVENTS)}) document.addEventListener(name, (event) => window.seen.push({ type: name, detail: event.detail }));</script>
<script type="module" src="/cdn/superfone-call-button.js"></script>
<superfone-click-to-call agent-number="${ASHA}" proxy-url="${proxyUrl}">
  <p>Priya <superfone-call-button customer-number="+918000000501"></superfone-call-button></p>
  <superfone-missed-calls></superfone-missed-calls>
</superfone-click-to-call></html>`);
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    const cli = join(installed, 'dist/server/cli/cli.js');
    proxy = await startCliProxy({ SUPERFONE_ALLOWED_ORIGINS: origin }, ['--simulate'], cli);
    proxyUrl = proxy.url;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    proxy?.child.kill();
    pages?.close();
    packed?.remove();
  });

  async function openPage(): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(origin);
    await page.locator('superfone-missed-calls').getByText('No missed calls.').waitFor({ timeout: 20_000 });
    return page;
  }
  const seen = (page: Page) => page.evaluate(() => (window as any).seen as Array<{ type: string; detail: any }>);

  it('a call answered and ended: the recording and the summary reach the page with the call’s id from superfone-call-started, the server logs them matched, and a reload reads both from the status route', async () => {
    assert.equal((await control('outcome', { kind: 'answered', answerAfterMs: 100, talkMs: 1_000, next: true })).status, 200);
    assert.equal((await control('reports', { recordingAfterMs: 300, summaryAfterMs: 600 })).status, 200);
    const page = await openPage();
    try {
      await page.getByRole('button', { name: 'Call +91 80000 00501' }).click();
      await page.waitForFunction(() => (window as any).seen.some((event: any) => event.type === 'superfone-call-summary'), null, { timeout: 40_000 });
      const events = await seen(page);
      const of = (type: string) => events.filter((event) => event.type === type);
      const callId = of('superfone-call-started')[0]!.detail.callId;
      assert.match(callId, /^[A-Za-z0-9_-]{22}$/);
      assert.deepEqual(
        events.map((event) => event.type),
        ['superfone-call-started', 'superfone-call-completed', 'superfone-call-recording', 'superfone-call-summary'],
      );
      for (const type of ['superfone-call-completed', 'superfone-call-recording', 'superfone-call-summary']) assert.equal(of(type)[0]!.detail.callId, callId, type);
      assert.match(of('superfone-call-recording')[0]!.detail.recordingUrl, /^https:\/\/recordings\.simulator\.invalid\//);
      assert.equal(of('superfone-call-summary')[0]!.detail.summary, 'The customer (+918000000501) asked for a quote and a call back tomorrow.');
      // The server's side: each delivery taken and matched to the START (the CLI's log).
      for (const event of ['CDR_RECORDING_AVAILABLE', 'CDR_SUMMARY_READY']) assert.match(proxy.output(), new RegExp(`"event":"${event}".*"matched":true`), event);

      await page.reload();
      const status = await page.evaluate(async ([url, id]) => (await fetch(url!.replace(/call$/, `calls/${id}`))).json(), [proxy.url, callId]);
      assert.deepEqual([status.state, status.version, status.summary.text], ['ended', 4, 'The customer (+918000000501) asked for a quote and a call back tomorrow.']);
      assert.match(status.recording.url, /^https:\/\/recordings\.simulator\.invalid\//);
    } finally {
      await control('reports', { recordingAfterMs: null, summaryAfterMs: null });
      await page.close();
    }
  });

  it('a missed inbound call is in <superfone-missed-calls> within 2 s, with the caller’s name; Call back places the START and clears it in every tab, and on the server: a reload does not bring it back', async () => {
    const [first, second] = [await openPage(), await openPage()];
    try {
      assert.equal((await control('inbound', { customerNumber: '+918000000502', agentNumber: ASHA, contactName: 'Priya Nair' })).status, 200);
      const callBack = first.getByRole('button', { name: 'Call back +91 80000 00502' });
      await callBack.waitFor({ timeout: 2_000 });
      await first.locator('superfone-missed-calls').getByText('Priya Nair').waitFor({ timeout: 2_000 });
      await second.getByRole('button', { name: 'Call back +91 80000 00502' }).waitFor({ timeout: 2_000 });
      const [told] = (await seen(first)).filter((event) => event.type === 'superfone-missed-call');
      assert.deepEqual([told!.detail.customerNumber, told!.detail.contactName], ['+918000000502', 'Priya Nair']);

      assert.equal((await control('outcome', { kind: 'answered', answerAfterMs: 100, talkMs: 800, next: true })).status, 200);
      await callBack.click();
      await second.locator('superfone-missed-calls').getByText('No missed calls.').waitFor({ timeout: 5_000 });
      const start = (await simulated()).notifications.at(-1)!;
      assert.deepEqual([start.action, start.agentNumber, start.customerNumber], ['START', ASHA, '+918000000502']);
      // In the tab that called back, the item stays while the call is on, then goes.
      await first.locator('superfone-missed-calls').getByText('No missed calls.').waitFor({ timeout: 15_000 });
      await first.reload();
      await first.locator('superfone-missed-calls').getByText('No missed calls.').waitFor({ timeout: 20_000 });
    } finally {
      await first.close();
      await second.close();
    }
  });
});

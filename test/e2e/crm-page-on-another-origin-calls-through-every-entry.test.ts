import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import express from 'express';
import type { Browser, Page } from 'playwright';
import { createServer as createViteServer } from 'vite';

import { hardenNodeServer } from '../../src/server/adapters/harden-node-server.js';
import { toNodeListener } from '../../src/server/adapters/node-adapter.js';
import { superfoneListener, superfoneMiddleware } from '../../src/server/adapters/node-proxy.js';
import { superfoneVitePlugin } from '../../src/server/adapters/vite-plugin.js';
import { createSuperfoneProxy, type SuperfoneProxyOptions } from '../../src/server/core/proxy.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../src/simulator/simulator-server.js';
import { API_KEY, ASHA, assertNoKey, VIKRAM } from '../node/helpers.js';
import { launchChromium } from '../support/chromium.mjs';
import { startCliProxy } from '../support/cli-proxy.js';
import { type ElementPageServer, startElementPageServer } from '../support/element-page-server.js';

// The README's main deployment: the CRM on one origin, the proxy on another. Whether a
// cross-origin call works is the browser's decision (one Access-Control-Allow-Origin, the
// preflight, exposed headers), so a real Chromium makes it, for every entry we ship.
const WEBHOOK_SECRET = 'whsec_test_0123456789abcdef';

interface RunningEntry {
  /** The proxy's call URL on `localhost`, another origin than the page's. */
  proxyUrl: string;
  close(): Promise<void>;
}

/** Every shipped way to serve the proxy, each given the page's origin to allow and a simulator to call. */
const ENTRIES: Record<string, (options: SuperfoneProxyOptions) => Promise<RunningEntry>> = {
  async 'the CLI (superfone-proxy)'(options) {
    const cli = await startCliProxy({
      SUPERFONE_API_KEY: options.apiKey,
      SUPERFONE_API_BASE: options.apiBase!,
      SUPERFONE_ALLOWED_ORIGINS: options.allowedOrigins!.join(','),
      SUPERFONE_WEBHOOK_SECRET: options.webhookSecret!,
    });
    return {
      proxyUrl: `http://localhost:${cli.port}/api/superfone/call`,
      async close() {
        cli.child.kill();
        assertNoKey([cli.output()]);
      },
    };
  },
  async superfoneListener(options) {
    return serve(hardenNodeServer(createServer(superfoneListener({ ...options, path: '/api/superfone/call' }))), '/api/superfone/call');
  },
  async 'createSuperfoneProxy through toNodeListener'(options) {
    return serve(createServer(toNodeListener(createSuperfoneProxy({ ...options, path: '/api/superfone/call' }))), '/api/superfone/call');
  },
  async 'superfoneMiddleware on plain node:http'(options) {
    const middleware = superfoneMiddleware(options);
    return serve(
      createServer((req, res) => middleware(req, res, () => res.writeHead(500).end())),
      '/api/superfone/call',
    );
  },
  async 'superfoneMiddleware in Express, mounted at the calls’ folder'(options) {
    const app = express();
    app.use('/api/superfone', superfoneMiddleware({ ...options, path: '/call' }));
    return serve(createServer(app), '/api/superfone/call');
  },
  async 'the Vite plugin'(options) {
    const root = mkdtempSync(join(tmpdir(), 'superfone-vite-'));
    const vite = await createViteServer({
      configFile: false,
      root,
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1' },
      plugins: [superfoneVitePlugin(options)],
    });
    await vite.listen();
    const { port } = vite.httpServer!.address() as AddressInfo;
    return {
      proxyUrl: `http://localhost:${port}/api/superfone/call`,
      async close() {
        await vite.close();
        rmSync(root, { recursive: true, force: true });
      },
    };
  },
};

async function serve(server: Server, path: string): Promise<RunningEntry> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    proxyUrl: `http://localhost:${port}${path}`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The CRM page: two contacts, each with its own agent, calling the proxy named in the query. */
function crmPage(proxyUrl: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CRM on another origin</title>
<script type="module" src="/assets/index.js"></script></head>
<body><main><h1>Contacts</h1>
<p>Priya Nair <superfone-call-button id="priya" customer-number="+91 80000 00001" agent-number="${ASHA}" proxy-url="${proxyUrl}"></superfone-call-button></p>
<p>Rahul Verma <superfone-call-button id="rahul" customer-number="+91 98450 98450" agent-number="${VIKRAM}" proxy-url="${proxyUrl}"></superfone-call-button></p>
</main>
<script>
  window.completed = [];
  document.addEventListener('superfone-call-completed', (event) => window.completed.push(event.detail));
</script></body></html>`;
}

describe('a CRM page on another origin places, follows and ends calls through every shipped entry, in Chromium', { timeout: 240_000 }, () => {
  let pages: ElementPageServer;
  let pageOrigin: string;
  let browser: Browser;

  before(async () => {
    pages = await startElementPageServer((url) => crmPage(url.searchParams.get('proxy') ?? ''));
    pageOrigin = pages.origin;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await pages?.close();
  });

  const control = (page: Page, id: string) => page.locator(`superfone-call-button#${id}`);
  const stateIs = (page: Page, id: string, state: string) =>
    page.waitForFunction(([selector, wanted]) => document.querySelector(selector!)?.getAttribute('state') === wanted, [`#${id}`, state], { timeout: 10_000 });

  for (const [name, start] of Object.entries(ENTRIES)) {
    it(`${name}: START, the call's status and stream, END and the record, and Retry-After from a 429`, async () => {
      let upstream: RunningSimulator | undefined;
      let entry: RunningEntry | undefined;
      const context = await browser.newContext();
      try {
        upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
        entry = await start({ apiKey: API_KEY, apiBase: upstream.apiBase, allowedOrigins: [pageOrigin], webhookSecret: WEBHOOK_SECRET, timeoutMs: 2_000 });
        const proxyUrl = entry.proxyUrl;
        // The customer answers at once and stays on until the agent ends the call.
        upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 0, talkMs: null });
        upstream.simulator.calls.setTarget({ url: proxyUrl.replace('localhost', '127.0.0.1').replace(/call$/, 'webhook'), headers: { Authorization: `Bearer ${WEBHOOK_SECRET}` } });
        const page = await context.newPage();
        const refusedByCors: string[] = [];
        page.on('console', (message) => {
          if (/CORS|Access-Control/i.test(message.text())) refusedByCors.push(message.text());
        });
        await page.goto(`${pageOrigin}/?proxy=${encodeURIComponent(proxyUrl)}`);

        // START, POSTed as JSON across origins: a preflight, then the call.
        const startAnswer = page.waitForResponse((response) => response.url() === proxyUrl && response.request().method() === 'POST', { timeout: 10_000 });
        await control(page, 'priya').getByRole('button', { name: 'Call +91 80000 00001' }).click();
        const { callId } = await (await startAnswer).json();
        assert.match(callId, /^[\w-]{16,}$/, 'the START answer, read by the page, carries a call id');
        await stateIs(page, 'priya', 'active');
        assert.equal(upstream.simulator.snapshot().agents.find((agent) => agent.number === ASHA)!.activeCall, '+918000000001');

        // Following the call: its status by GET and its stream by EventSource, as the page reads them.
        const statusUrl = proxyUrl.replace(/call$/, `calls/${callId}`);
        const followed = await page.evaluate(async (url) => {
          const status = await fetch(url).then((response) => response.json());
          const unknown = await fetch(url.replace(/calls\/[^/]+$/, 'calls/0123456789abcdef0123456789abcdef')).then((response) => response.status);
          const streamed = await new Promise((resolve) => {
            const source = new EventSource(`${url}/events`);
            source.addEventListener('call', (event) => {
              source.close();
              resolve(JSON.parse((event as MessageEvent).data));
            });
            source.onerror = () => {
              source.close();
              resolve('the stream was refused');
            };
          });
          return { status, unknown, streamed };
        }, statusUrl);
        assert.deepEqual([followed.status.callId, followed.status.state], [callId, 'active']);
        assert.equal(followed.unknown, 404, 'a refusal on a follow route is readable too');
        assert.deepEqual([(followed.streamed as { state: string }).state, (followed.streamed as { callId: string }).callId], ['active', callId]);

        // END, and the record Superfone reports, heard through the element's own stream.
        await control(page, 'priya').getByRole('button', { name: 'End call with +91 80000 00001' }).click();
        await stateIs(page, 'priya', 'idle');
        await page.waitForFunction(() => (window as unknown as { completed: unknown[] }).completed.length === 1, undefined, { timeout: 10_000 });
        const completed = await page.evaluate(() => (window as unknown as { completed: Array<{ callId: string; record: { status: string } }> }).completed[0]!);
        assert.deepEqual([completed.callId, completed.record.status], [callId, 'answered']);
        assert.deepEqual(
          upstream.simulator.snapshot().notifications.map((note) => note.action),
          ['START', 'END'],
        );
        // A stream resumed with Last-Event-ID (a header that needs a preflight) is readable across origins: after the
        // end it stays open for the call's recording and summary (docs/protocol.md), so it is a stream, not 204.
        const resumed = await page.evaluate(
          (url) =>
            fetch(`${url}/events`, { headers: { 'Last-Event-ID': '2' } }).then(
              (response) => {
                void response.body?.cancel();
                return [response.status, response.headers.get('content-type')];
              },
              (error) => String(error),
            ),
          statusUrl,
        );
        assert.deepEqual(resumed, [200, 'text/event-stream; charset=utf-8']);

        // A 429 with Retry-After: the page can read how long to wait, and says it.
        upstream.simulator.setFault({ kind: 'rate-limit', retryAfterSeconds: 42 }, 1);
        await control(page, 'rahul').getByRole('button', { name: 'Call +91 98450 98450' }).click();
        await stateIs(page, 'rahul', 'error');
        await control(page, 'rahul').locator('[part~="message"]', { hasText: 'Wait 42 s' }).waitFor({ timeout: 5_000 });
        await page.locator('[data-superfone-announcer]', { hasText: 'Wait 42 s' }).waitFor({ state: 'attached', timeout: 5_000 });
        assert.deepEqual(refusedByCors, [], 'Chromium refused nothing for CORS');
      } finally {
        await context.close();
        await entry?.close();
        await upstream?.close();
      }
    });
  }
});

import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { superfoneListener } from '../../../src/server/adapters/node-proxy.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../../src/simulator/simulator-server.js';
import { EXTENSION_ID, startWorkerWith } from '../../support/fake-chrome.js';
import { API_KEY, ASHA } from '../helpers.js';

// The extension's worker asks the real proxy for the agent's missed calls each minute (an
// alarm), shows each new one once as a Chrome notification, and its Call back button places
// the call as the agent, under the one-call rule. The real proxy and simulator; the browser's
// runtime is the one stand-in (test/support/fake-chrome.ts says why). That Chrome grants the
// notifications permission is checked in Chromium by the extension's end-to-end test.
const SECRET = 'whsec_test_0123456789abcdef';
const CRM = 'https://crm.example.com';

describe('the extension shows missed calls as notifications, with Call back', { timeout: 60_000 }, () => {
  let upstream: RunningSimulator;
  let server: Server;
  let proxyUrl: string;
  let fake: Awaited<ReturnType<typeof startWorkerWith>>;

  const missedNow = async () => (await (await fetch(`${proxyUrl.replace(/call$/, 'missed-calls')}?agent=${encodeURIComponent(ASHA)}`)).json()).missedCalls as Array<{ id: string }>;
  async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) if (await check()) return;
    throw new Error(`timed out waiting for ${what}`);
  }

  before(async () => {
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    server = createServer(superfoneListener({ apiKey: API_KEY, apiBase: upstream.apiBase, path: '/api/superfone/call', webhookSecret: SECRET, rateLimits: false }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/superfone/call`;
    upstream.simulator.calls.setTarget({ url: proxyUrl.replace(/call$/, 'webhook'), headers: { Authorization: `Bearer ${SECRET}` } });
    upstream.simulator.calls.setOutcome({ kind: 'answered', answerAfterMs: 10, talkMs: null });
    fake = await startWorkerWith({ settings: { proxyUrl, agentNumber: ASHA, sites: [CRM], defaultCountry: 'IN' } });
  });
  after(async () => {
    fake?.uninstall();
    server?.closeAllConnections();
    server?.close();
    await upstream?.close();
  });

  it('asks every minute; each new missed call is one notification, "Missed call from …" with Call back, shown once', async () => {
    await until(async () => (await fake.chrome.alarms.get('missed-calls')) !== undefined, 'the alarm');
    assert.equal((await fake.chrome.alarms.get('missed-calls'))!.periodInMinutes, 1);
    upstream.simulator.calls.missedInbound('+918000000081', ASHA, 'Priya Nair');
    await until(async () => (await missedNow()).length === 1, 'the proxy to keep it');
    await fake.ring('missed-calls');
    await until(() => fake.notifications.size === 1, 'the notification');
    const [[id, notice]] = [...fake.notifications];
    assert.equal(id, `missed-call:${(await missedNow())[0]!.id}`);
    assert.equal(notice!.title, 'Missed call from Priya Nair, +91 80000 00081');
    assert.equal(notice!.message, 'Call back: +91 80000 00081');
    assert.deepEqual(notice!.buttons, [{ title: 'Call back' }]);
    assert.equal(notice!.iconUrl, `chrome-extension://${EXTENSION_ID}/icon-128.png`);
    // Closed by the agent, it is not shown again at the next minute.
    fake.notifications.clear();
    await fake.ring('missed-calls');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(fake.notifications.size, 0);
    fake.notifications.set(id!, notice!);
  });

  it('Call back places the call as the agent; the notification goes, and so does the missed call; a second Call back while on the call says so', async () => {
    const [id] = [...fake.notifications.keys()];
    await fake.clickButton(id!);
    await until(() => upstream.simulator.snapshot().notifications.length === 1, 'the START');
    const [start] = upstream.simulator.snapshot().notifications;
    assert.deepEqual([start!.action, start!.agentNumber, start!.customerNumber], ['START', ASHA, '+918000000081']);
    await until(() => !fake.notifications.has(id!), 'the notification to go');
    assert.deepEqual(await missedNow(), [], 'called back: the proxy forgot it');

    upstream.simulator.calls.missedInbound('+918000000082', ASHA);
    await until(async () => (await missedNow()).length === 1, 'the second missed call');
    await fake.ring('missed-calls');
    await until(() => fake.notifications.size === 1, 'its notification');
    const [second] = [...fake.notifications.keys()];
    assert.equal(fake.notifications.get(second!)!.title, 'Missed call from +91 80000 00082');
    await fake.clickButton(second!);
    await until(() => fake.notifications.get(second!)?.message !== 'Call back: +91 80000 00082', 'the refusal');
    assert.equal(fake.notifications.get(second!)!.message, 'On a call with +91 80000 00081: end it to call someone else.');
    assert.equal(upstream.simulator.snapshot().notifications.length, 1, 'nothing more reached Superfone');
  });

  it('a Call back the proxy refuses says why in the agent’s words: a country not allowed, named', async () => {
    const page = { id: EXTENSION_ID, url: `${CRM}/leads/1`, tab: { id: 7, url: `${CRM}/leads/1` } };
    // The call the last test left on ends first: this refusal is the proxy's, not the one-call rule's.
    assert.equal(((await fake.ask({ kind: 'call', action: 'END', customerNumber: '+918000000081' }, page)) as { ok: boolean }).ok, true);
    fake.notifications.clear();
    upstream.simulator.calls.missedInbound('+442079460958', ASHA);
    await until(async () => (await missedNow()).length === 2, 'the missed call from abroad');
    await fake.ring('missed-calls');
    await until(() => [...fake.notifications.values()].some((notice) => notice.title === 'Missed call from +44 20 7946 0958'), 'its notification');
    const [id] = [...fake.notifications].find(([, notice]) => notice.title === 'Missed call from +44 20 7946 0958')!;
    await fake.clickButton(id);
    await until(() => fake.notifications.get(id)?.message !== 'Call back: +44 20 7946 0958', 'the refusal');
    assert.equal(fake.notifications.get(id)!.message, 'Calls to United Kingdom (+44) are not allowed from this CRM. Ask your administrator if you need them.');
  });

  it('another notification’s button (not a missed call’s, or one the worker no longer knows) calls nobody: nothing reaches even the proxy', async () => {
    const before = upstream.simulator.requestCount;
    let callsAsked = 0;
    const count = (request: { method?: string; url?: string }) => void (request.method === 'POST' && request.url?.endsWith('/call') && callsAsked++);
    server.on('request', count);
    try {
      for (const id of ['some-other-notice', 'missed-call:no-such-missed-call']) await fake.clickButton(id);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(callsAsked, 0, 'the worker asked the proxy for no call');
      assert.equal(upstream.simulator.requestCount, before);
    } finally {
      server.off('request', count);
    }
  });
});

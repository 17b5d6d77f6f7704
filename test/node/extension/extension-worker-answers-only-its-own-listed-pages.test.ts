import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';

import { SignJWT } from 'jose';

import { placeCall } from '../../../src/extension/agent-calls.js';
import { superfoneListener } from '../../../src/server/adapters/node-proxy.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../../src/simulator/simulator-server.js';
import { EXTENSION_ID, startWorkerWith } from '../../support/fake-chrome.js';
import { API_KEY, ASHA } from '../helpers.js';

// The worker places calls with the agent's sign-in: it must answer only this extension's
// own content scripts, in frames whose page and top page are both on a listed site, and
// keep the options page's asks to the options page. Two planted bugs (answering any site,
// not checking the sender's extension) survived the end-to-end tests; each check is here
// against the real worker module and a real proxy and simulator, the browser's runtime
// being the one stand-in (test/support/fake-chrome.ts says why).
const CRM = 'https://crm.example.com';
const HELPDESK = 'https://helpdesk.example.org';
const START = { kind: 'call', action: 'START', customerNumber: '+918000000071' };

/** The extension's settings for an agent on CRM whose proxy listens on `server`, called directly with placeCall. */
const settingsFor = (server: Server) => ({
  proxyUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/superfone/call`,
  agentNumber: ASHA,
  sites: [CRM],
  defaultCountry: 'IN' as const,
  token: '',
  issuer: '',
  clientId: '',
  language: 'en' as const,
});

describe('the extension’s worker answers only its own content scripts on listed sites, and its own options page', { timeout: 90_000 }, () => {
  let upstream: RunningSimulator;
  let server: Server;
  let fake: Awaited<ReturnType<typeof startWorkerWith>>;
  const fromTab = (tabUrl: string, frameUrl = tabUrl, id = EXTENSION_ID) => ({ id, url: frameUrl, tab: { id: 7, url: tabUrl } });

  before(async () => {
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    server = createServer(superfoneListener({ apiKey: API_KEY, apiBase: upstream.apiBase, path: '/api/superfone/call', rateLimits: false }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/superfone/call`;
    fake = await startWorkerWith({ settings: { proxyUrl, agentNumber: ASHA, sites: [CRM, HELPDESK], defaultCountry: 'IN' } });
  });
  after(async () => {
    fake?.uninstall();
    server?.closeAllConnections();
    server?.close();
    await upstream?.close();
  });
  beforeEach(() => upstream.simulator.reset());

  it('its own content script on a listed site places the call (the harness works)', async () => {
    const answer = (await fake.ask(START, fromTab(`${CRM}/leads/42`))) as { ok: boolean };
    assert.equal(answer.ok, true, JSON.stringify(answer));
    assert.equal(upstream.simulator.requestCount, 1);
    await fake.ask({ ...START, action: 'END' }, fromTab(`${CRM}/leads/42`));
  });

  it('an END frees the agent by itself: with no record to come (no notifications here), the next customer can be called', async () => {
    const page = fromTab(`${CRM}/leads/42`);
    assert.equal(((await fake.ask({ ...START, customerNumber: '+918000000072' }, page)) as { ok: boolean }).ok, true);
    const busy = (await fake.ask({ ...START, customerNumber: '+918000000073' }, page)) as { busyWith?: string };
    assert.equal(busy.busyWith, '+918000000072', 'while the call is on, another customer waits');
    assert.equal(((await fake.ask({ ...START, action: 'END', customerNumber: '+918000000072' }, page)) as { ok: boolean }).ok, true);
    const next = (await fake.ask({ ...START, customerNumber: '+918000000073' }, page)) as { ok: boolean };
    assert.equal(next.ok, true, `after END: ${JSON.stringify(next)}`);
    await fake.ask({ ...START, action: 'END', customerNumber: '+918000000073' }, page);
  });

  it('while the agent is on a call placed from one listed site, another listed site hears only that they are busy, never with whom', async () => {
    const crm = fromTab(`${CRM}/leads/42`);
    assert.equal(((await fake.ask({ ...START, customerNumber: '+918000000074' }, crm)) as { ok: boolean }).ok, true);
    try {
      const other = await fake.ask({ ...START, customerNumber: '+918000000075' }, fromTab(`${HELPDESK}/tickets/9`));
      assert.deepEqual(other, { ok: false, busyElsewhere: true });
      assert.ok(!JSON.stringify(other).includes('8000000074'), 'the other site never sees the number on the call');
      assert.equal(upstream.simulator.requestCount, 1, 'nothing sent for the other site');
    } finally {
      await fake.ask({ ...START, action: 'END', customerNumber: '+918000000074' }, crm);
    }
  });

  it('a proxy that never answers is given up after 15 s: the agent hears a network error, not "Calling…" for ever', { timeout: 40_000 }, async () => {
    // A proxy-url that accepts connections and never answers (a stalled gateway, a wrong port).
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const settings = settingsFor(silent);
    const startedAt = performance.now();
    try {
      const answer = await placeCall({ kind: 'call', action: 'START', customerNumber: '+918000000076' }, settings, { tabId: 7, site: CRM }, null);
      const seconds = (performance.now() - startedAt) / 1000;
      assert.deepEqual(answer, { ok: false, code: 'network_error', status: 0 });
      assert.ok(seconds >= 14.5 && seconds < 25, `given up after ${seconds.toFixed(1)} s`);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('a call asks for the token held; only after the proxy refuses it does it ask for a renewed one, once', async () => {
    const secret = 'extension_renewal_secret_0123456789abcdef';
    const signed = (expiresAt: number) =>
      new SignJWT({ superfone_agent: ASHA })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience('superfone-proxy')
        .setIssuedAt(expiresAt - 600)
        .setExpirationTime(expiresAt)
        .sign(new TextEncoder().encode(secret));
    const nowSec = Math.floor(Date.now() / 1000);
    const [expired, good] = await Promise.all([signed(nowSec - 120), signed(nowSec + 600)]);
    const signedIn = createServer(superfoneListener({ apiKey: API_KEY, apiBase: upstream.apiBase, path: '/api/superfone/call', rateLimits: false, auth: { secret } }));
    await new Promise<void>((resolve) => signedIn.listen(0, '127.0.0.1', resolve));
    const settings = settingsFor(signedIn);
    const from = { tabId: 7, site: CRM };
    try {
      for (const [held, asked] of [
        [good, [false]],
        [expired, [false, true]],
      ] as const) {
        const renews: boolean[] = [];
        const token = async ({ renew }: { renew: boolean }) => (renews.push(renew), renew ? good : held);
        const started = await placeCall({ kind: 'call', action: 'START', customerNumber: '+918000000077' }, settings, from, token);
        assert.equal(started.ok, true, JSON.stringify(started));
        assert.deepEqual(renews, asked, held === good ? 'a good token' : 'an expired token');
        await placeCall({ kind: 'call', action: 'END', customerNumber: '+918000000077' }, settings, from, async () => good);
      }
    } finally {
      signedIn.closeAllConnections();
      signedIn.close();
    }
  });

  it('another extension, on a listed site: no answer, nothing sent', async () => {
    assert.equal(await fake.ask(START, fromTab(`${CRM}/leads/42`, `${CRM}/leads/42`, 'zyxwvutsrqponmlkzyxwvutsrqponmlk')), null);
    assert.equal(upstream.simulator.requestCount, 0);
  });

  it('a page on a site not listed, a look-alike included: no answer, nothing sent', async () => {
    for (const site of ['https://evil.example', 'https://crm.example.com.evil.test', 'http://crm.example.com']) {
      assert.equal(await fake.ask(START, fromTab(`${site}/x`)), null, site);
    }
    assert.equal(upstream.simulator.requestCount, 0);
  });

  it('a frame of another site inside a listed page, or a listed page framed by another site: no answer', async () => {
    assert.equal(await fake.ask(START, fromTab(`${CRM}/leads/42`, 'https://ads.example/frame')), null);
    assert.equal(await fake.ask(START, fromTab('https://evil.example/', `${CRM}/leads/42`)), null);
    assert.equal(upstream.simulator.requestCount, 0);
  });

  it('the options page’s asks from a content script, even a listed one: no answer', async () => {
    assert.equal(await fake.ask({ kind: 'sign-in-state' }, fromTab(`${CRM}/leads/42`)), null);
    assert.equal(await fake.ask({ kind: 'sign-out' }, fromTab(`${CRM}/leads/42`)), null);
    const fromOptions = { id: EXTENSION_ID, url: fake.chrome.runtime.getURL('options.html') };
    assert.notEqual(await fake.ask({ kind: 'sign-in-state' }, fromOptions), null, 'the options page is answered');
    // And the other way: the options page has no call of its own to place.
    assert.equal(await fake.ask(START, fromOptions), null);
    assert.equal(upstream.simulator.requestCount, 0);
  });

  it('an ask of no kind the worker knows, its table’s inherited names included: no answer, from anyone', async () => {
    const fromOptions = { id: EXTENSION_ID, url: fake.chrome.runtime.getURL('options.html') };
    for (const kind of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'dial', '']) {
      assert.equal(await fake.ask({ kind, action: 'START', customerNumber: '+918000000071' }, fromTab(`${CRM}/leads/42`)), null, kind);
      assert.equal(await fake.ask({ kind }, fromOptions), null, kind);
    }
    assert.equal(await fake.ask(null, fromTab(`${CRM}/leads/42`)), null);
    assert.equal(upstream.simulator.requestCount, 0);
  });

  it('a content script with no frame URL, or no tab: no answer', async () => {
    assert.equal(await fake.ask(START, { id: EXTENSION_ID, tab: { id: 7, url: `${CRM}/` } }), null);
    assert.equal(await fake.ask(START, { id: EXTENSION_ID, url: `${CRM}/` }), null);
    assert.equal(upstream.simulator.requestCount, 0);
  });
});

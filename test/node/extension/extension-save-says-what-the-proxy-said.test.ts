import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { SignJWT } from 'jose';

import type { ExtensionSettings } from '../../../src/extension/settings.js';
import { checkSetup } from '../../../src/extension/setup-check.js';
import { freePort } from '../../support/free-port.js';
import { ASHA, type HttpProxyUnderTest, startHttpProxy, VIKRAM } from '../helpers.js';

// The extension's Save asks the proxy `POST …/whoami` as its calls would, and says the one
// thing to fix. Here against real proxies, a server that is not one, and a port nobody
// listens on, all on loopback; each answer's words written out by hand. (That Chromium sends
// the extension's Origin, and that the proxy refuses it until allowed, is the extension's
// end-to-end test's.)
const JWT_SECRET = 'a-long-random-signing-secret-for-tests-0123456789';

const settingsFor = (proxyUrl: string, overrides: Partial<ExtensionSettings> = {}): ExtensionSettings => ({
  proxyUrl,
  issuer: '',
  clientId: '',
  agentNumber: '',
  token: '',
  sites: ['https://crm.example.com'],
  defaultCountry: 'IN',
  language: 'auto',
  ...overrides,
});

describe('the extension’s Save says what the proxy said', { timeout: 60_000 }, () => {
  let open: HttpProxyUnderTest;
  let bound: HttpProxyUnderTest;
  let signIn: HttpProxyUnderTest;
  let notAProxy: Server;
  let notAProxyUrl: string;

  before(async () => {
    open = await startHttpProxy();
    bound = await startHttpProxy({ authorize: () => ASHA });
    signIn = await startHttpProxy({ auth: { secret: JWT_SECRET } });
    notAProxy = createServer((request, response) => {
      if (request.url?.startsWith('/missing/')) response.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not Found</h1>');
      else response.writeHead(500, { 'Content-Type': 'text/html' }).end('<h1>Oops</h1>');
    });
    await new Promise<void>((resolve) => notAProxy.listen(0, '127.0.0.1', resolve));
    notAProxyUrl = `http://127.0.0.1:${(notAProxy.address() as AddressInfo).port}`;
  });
  after(async () => {
    notAProxy?.closeAllConnections();
    notAProxy?.close();
    await Promise.all([open?.close(), bound?.close(), signIn?.close()]);
  });

  it('a proxy without sign-in: the agent number entered is who calls; none entered is the one thing to fix', async () => {
    assert.deepEqual(await checkSetup(settingsFor(`${open.base}call`, { agentNumber: VIKRAM }), null), { ok: true, agentNumber: VIKRAM });
    assert.deepEqual(await checkSetup(settingsFor(`${open.base}call`), null), {
      ok: false,
      problems: { agentNumber: 'The call service does not know who you are: enter your Superfone number.' },
    });
  });

  it('a proxy that binds the agent: its number wins, and another entered is the thing to fix', async () => {
    assert.deepEqual(await checkSetup(settingsFor(`${bound.base}call`), null), { ok: true, agentNumber: ASHA });
    assert.deepEqual(await checkSetup(settingsFor(`${bound.base}call`, { agentNumber: VIKRAM }), null), {
      ok: false,
      problems: { agentNumber: `Your sign-in makes you ${ASHA} at the call service: leave this empty, or enter that number.` },
    });
  });

  it('a proxy with sign-in: no token asks for one; a token it refuses says why; a good one names the agent', async () => {
    const url = `${signIn.base}call`;
    assert.deepEqual(await checkSetup(settingsFor(url), null), {
      ok: false,
      problems: { token: 'The call service asks who you are: sign in, or paste the sign-in token your administrator gave you.' },
    });
    const sign = (secret: string) =>
      new SignJWT({ superfone_agent: ASHA })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience('superfone-proxy')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(secret));
    assert.deepEqual(await checkSetup(settingsFor(url), await sign(`${JWT_SECRET}-not-this-one`)), {
      ok: false,
      problems: { token: 'The call service refused your sign-in: Your sign-in token was not accepted. Sign in again, then retry.' },
    });
    assert.deepEqual(await checkSetup(settingsFor(url), await sign(JWT_SECRET)), { ok: true, agentNumber: ASHA });
  });

  it('a proxy that finds agents by email: an unverified email and an email that is no agent each name the sign-in as the thing to fix', async () => {
    const byEmail = await startHttpProxy({ auth: { secret: JWT_SECRET, agents: (email: string) => (email === 'asha@example.com' ? ASHA : null) } });
    try {
      const url = `${byEmail.base}call`;
      const sign = (claims: Record<string, unknown>) =>
        new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setAudience('superfone-proxy').setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(JWT_SECRET));
      assert.deepEqual(await checkSetup(settingsFor(url), await sign({ email: 'asha@example.com', email_verified: false })), {
        ok: false,
        problems: { token: 'Your sign-in provider has not verified asha@example.com. Verify it there, or ask your administrator.' },
      });
      assert.deepEqual(await checkSetup(settingsFor(url), await sign({ email: 'ravi@example.com', email_verified: true })), {
        ok: false,
        problems: {
          token: 'ravi@example.com is not an agent on this call service. Ask your administrator to add it to the agents file. (SUPERFONE_AGENTS_FILE: a line email,agent_number)',
        },
      });
      assert.deepEqual(await checkSetup(settingsFor(url), await sign({ email: 'asha@example.com', email_verified: true })), { ok: true, agentNumber: ASHA });
    } finally {
      await byEmail.close();
    }
  });

  it('the wrong path on a proxy, a server that is not one, and nothing listening: each says what to check', async () => {
    assert.deepEqual(await checkSetup(settingsFor(`${open.base.replace('/superfone/', '/other/')}call`), null), {
      ok: false,
      problems: { proxyUrl: 'Nothing answers calls at this address: Not found; the call service is at /api/superfone/call.' },
    });
    assert.deepEqual(await checkSetup(settingsFor(`${notAProxyUrl}/missing/call`), null), {
      ok: false,
      problems: { proxyUrl: 'Nothing answers calls at this address. Check the path (it usually ends in /api/superfone/call).' },
    });
    const host = new URL(notAProxyUrl).host;
    assert.deepEqual(await checkSetup(settingsFor(`${notAProxyUrl}/api/superfone/call`), null), {
      ok: false,
      problems: { proxyUrl: `Something other than the call service answered at ${host} (HTTP 500). Check the address.` },
    });
    const closed = `127.0.0.1:${await freePort()}`;
    assert.deepEqual(await checkSetup(settingsFor(`http://${closed}/api/superfone/call`), null), {
      ok: false,
      problems: { proxyUrl: `The call service at ${closed} did not answer. Check the address, or ask your administrator whether it is running.` },
    });
  });
});

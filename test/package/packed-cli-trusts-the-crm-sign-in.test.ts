import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';

import { type RunningSimulator, startSuperfoneSimulator } from '../../src/simulator/simulator-server.js';
import { type CliProxy, startCliProxy } from '../support/cli-proxy.js';
import { installPackedTarball, type PackedProject } from '../support/packed-project.js';

// The packed superfone-proxy told who may call with configuration only, judged with tokens
// made by jose in this test, never by the package's own code.
const API_KEY = 'sf_live_SECRET_6f1c9a0b2e';
const JWT_SECRET = 'jwt_test_secret_0123456789abcdef_0123456789';
const ASHA = '+919876543210';
const VIKRAM = '+919812345678';
const ISSUER = 'https://idp.example.test';
const run = promisify(execFile);

const hs256 = (claims: Record<string, unknown>, secret = JWT_SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setAudience('superfone-proxy').setIssuedAt().setExpirationTime('10m').sign(new TextEncoder().encode(secret));

async function call(proxy: CliProxy, body: Record<string, unknown>, token?: string) {
  const response = await fetch(proxy.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: (await response.json()) as any, challenge: response.headers.get('www-authenticate') };
}

const start = (customer: string, agent?: string) => ({ customer_number: customer, ...(agent ? { user_number: agent } : {}), call_action: 'START' });
const end = (customer: string) => ({ customer_number: customer, call_action: 'END' });

describe('the packed superfone-proxy knows who is calling, from the CRM’s sign-in', { timeout: 180_000 }, () => {
  let packed: PackedProject;
  let upstream: RunningSimulator;
  let cli: string;
  const running: CliProxy[] = [];

  before(async () => {
    packed = installPackedTarball();
    cli = join(packed.dir, 'node_modules/superfone-call-button/dist/server/cli/cli.js');
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
  });
  after(async () => {
    for (const proxy of running) proxy.child.kill();
    await upstream?.close();
    packed?.remove();
  });
  const serve = async (env: Record<string, string>, args: string[] = []) => {
    const proxy = await startCliProxy({ SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase, ...env }, args, cli);
    running.push(proxy);
    return proxy;
  };

  it('will not listen beyond loopback with no one to check callers, and says what to set; --no-auth is warned at start', async () => {
    const refused = await run(process.execPath, [cli, '--host', '0.0.0.0'], { env: { PATH: process.env.PATH, SUPERFONE_API_KEY: API_KEY }, timeout: 10_000 }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    assert.ok(refused, 'it started (and was stopped after 10 s) instead of refusing');
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /SUPERFONE_JWT_SECRET/);
    assert.match(refused.stderr, /SUPERFONE_JWKS_URL/);
    assert.match(refused.stderr, /--no-auth/);
    const open = await serve({ SUPERFONE_NO_AUTH: '1' });
    // The warning goes to stderr, another pipe than the line that says it listens.
    await open.waitForOutput(/WARNING: --no-auth/);
  });

  it('forged tokens get 401 and Superfone is untouched; a token for A naming B gets 403; a good token places and ends calls as its agent', async () => {
    const proxy = await serve({ SUPERFONE_JWT_SECRET: JWT_SECRET, SUPERFONE_WEBHOOK_SECRET: 'whsec_test_0123456789abcdef' });
    const calledBefore = upstream.simulator.requestCount;
    const expired = await new SignJWT({ superfone_agent: ASHA })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('superfone-proxy')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 300)
      .sign(new TextEncoder().encode(JWT_SECRET));
    for (const [what, token, code] of [
      ['no token', undefined, 'unauthorized'],
      ['another secret', await hs256({ superfone_agent: ASHA }, 'another_secret_0123456789abcdef_0123456789'), 'unauthorized'],
      ['expired', expired, 'token_expired'],
    ] as const) {
      const answer = await call(proxy, start('+918000000001'), token);
      assert.deepEqual([answer.status, answer.json.error.code], [401, code], what);
      assert.match(answer.challenge ?? '', /^Bearer realm="superfone-proxy"/, what);
    }
    assert.equal((await call(proxy, start('+918000000001', VIKRAM), await hs256({ superfone_agent: ASHA }))).status, 403);
    assert.equal(upstream.simulator.requestCount, calledBefore, 'Superfone untouched');

    const asha = await hs256({ superfone_agent: '09876543210' });
    assert.equal((await call(proxy, start('+918000000011'), asha)).status, 200);
    assert.equal((await call(proxy, end('+918000000011'), asha)).status, 200);
    const placed = upstream.simulator.snapshot().notifications.slice(-2);
    assert.deepEqual(
      placed.map((note) => [note.action, note.agentNumber, note.customerNumber]),
      [
        ['START', ASHA, '+918000000011'],
        ['END', ASHA, '+918000000011'],
      ],
    );
    assert.ok(!proxy.output().includes(asha) && !proxy.output().includes(asha.split('.')[2]!), 'no token in the log');
  });

  it('missed calls: a token’s agent reads their own, from the simulated Superfone’s delivery; another agent’s are 403, and none without a token', async () => {
    const secret = 'whsec_test_0123456789abcdef';
    const proxy = await serve({ SUPERFONE_JWT_SECRET: JWT_SECRET, SUPERFONE_WEBHOOK_SECRET: secret });
    upstream.simulator.calls.setTarget({ url: proxy.url.replace(/call$/, 'webhook'), headers: { Authorization: `Bearer ${secret}` } });
    try {
      upstream.simulator.calls.missedInbound('+918000000021', ASHA, 'Priya Nair');
      await upstream.simulator.calls.settled();
      const list = (token?: string, query = '') =>
        fetch(`${proxy.url.replace(/call$/, 'missed-calls')}${query}`, { headers: token ? { Authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(10_000) });
      const mine = await list(await hs256({ superfone_agent: ASHA }));
      assert.equal(mine.status, 200);
      const body = (await mine.json()) as any;
      assert.deepEqual([body.agentNumber, body.missedCalls.map((call: any) => [call.customerNumber, call.contactName])], [ASHA, [['+918000000021', 'Priya Nair']]]);
      assert.deepEqual(((await (await list(await hs256({ superfone_agent: VIKRAM }))).json()) as any).missedCalls, [], 'Vikram’s list has none of Asha’s');
      assert.equal((await list(await hs256({ superfone_agent: VIKRAM }), `?agent=${encodeURIComponent(ASHA)}`)).status, 403);
      assert.equal((await list(undefined, `?agent=${encodeURIComponent(ASHA)}`)).status, 401);
    } finally {
      upstream.simulator.calls.setTarget(null);
    }
  });

  it('`superfone-proxy token` prints a token the proxy accepts', async () => {
    const { stdout } = await run(process.execPath, [cli, 'token', '--agent', '+91 98123 45678', '--ttl', '120'], {
      env: { PATH: process.env.PATH, SUPERFONE_JWT_SECRET: JWT_SECRET },
      timeout: 10_000,
    });
    const token = stdout.trim();
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const proxy = await serve({ SUPERFONE_JWT_SECRET: JWT_SECRET });
    assert.equal((await call(proxy, start('+918000000012'), token)).status, 200);
    assert.equal(upstream.simulator.snapshot().notifications.at(-1)!.agentNumber, VIKRAM);
    assert.equal((await call(proxy, end('+918000000012'), token)).status, 200);
  });

  describe('with an identity provider’s keys (SUPERFONE_JWKS_URL)', () => {
    let jwks: Server;
    const published: JWK[] = [];
    const keys: Record<string, CryptoKey> = {};
    before(async () => {
      for (const kid of ['k1', 'k2']) {
        const pair = await generateKeyPair('ES256', { extractable: true });
        keys[kid] = pair.privateKey;
        if (kid === 'k1') published.push({ ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256' });
        else keys.k2public = pair.publicKey;
      }
      jwks = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: published })));
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    });
    after(() => {
      jwks?.closeAllConnections();
      jwks?.close();
    });
    const signed = (kid: string) =>
      new SignJWT({ superfone_agent: ASHA })
        .setProtectedHeader({ alg: 'ES256', kid })
        .setIssuer(ISSUER)
        .setAudience('superfone-proxy')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(keys[kid]!);

    it('a key the provider adds later is accepted within a minute, without a restart', async () => {
      const proxy = await serve({ SUPERFONE_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`, SUPERFONE_JWT_ISSUER: ISSUER });
      assert.equal((await call(proxy, end('+918000000013'), await signed('k1'))).status, 200);
      assert.equal((await call(proxy, end('+918000000013'), await signed('k2'))).status, 401, 'not published yet');
      published.push({ ...(await exportJWK(keys.k2public!)), kid: 'k2', alg: 'ES256' });
      const addedAt = performance.now();
      let status = 0;
      while (status !== 200 && performance.now() - addedAt < 60_000) {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        status = (await call(proxy, end('+918000000013'), await signed('k2'))).status;
      }
      console.log(`a key published later was accepted after ${((performance.now() - addedAt) / 1000).toFixed(0)} s, without a restart`);
      assert.equal(status, 200);
    });
  });
});

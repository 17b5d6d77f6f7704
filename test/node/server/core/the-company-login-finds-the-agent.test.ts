// A company sign-in (an OpenID provider's ID token) names a person by email, not by Superfone
// number: the administrator's agents file maps one to the other, and `whoami` tells a setup
// check exactly what a call would meet. Tokens are made by jose, the key set served on loopback.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';

import { agentsFromFile } from '../../../../src/server/adapters/agents-file.js';
import { parseAgentsCsv } from '../../../../src/server/core/guards/agent-directory.js';
import { startCliProxy } from '../../../support/cli-proxy.js';
import { readmeRecipe } from '../../../support/packed-project.js';
import { API_KEY, ASHA, proxiesPerTest, type ProxyUnderTest, startBody, VIKRAM } from '../../helpers.js';

const ISSUER = 'https://login.example.test';
const CLIENT_ID = 'superfone-extension';
const EXTENSION = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

async function ask(proxy: ProxyUnderTest, path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const response = await proxy.handler(new Request(`http://localhost/api/superfone/${path}`, { method: 'POST', ...init }), { clientAddress: '127.0.0.1' });
  const text = await response.text();
  proxy.emitted.push(text);
  return { status: response.status, json: text ? JSON.parse(text) : null, headers: response.headers };
}

describe('the company’s login names the agent: an agents file and whoami', { timeout: 60_000 }, () => {
  const proxyFor = proxiesPerTest();
  const folder = mkdtempSync(join(tmpdir(), 'superfone-agents-'));
  const agentsCsv = join(folder, 'agents.csv');
  let jwks: Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;

  before(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true });
    privateKey = pair.privateKey;
    const key = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [key] })));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`;
  });
  after(() => {
    jwks?.closeAllConnections();
    jwks?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  /** An ID token as a provider issues it: the client is the audience, the person an email. */
  const idToken = (claims: Record<string, unknown>) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(CLIENT_ID)
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  const bearer = async (claims: Record<string, unknown>) => ({ Authorization: `Bearer ${await idToken(claims)}` });
  const proxyWithAgents = (csv: string, options = {}) => {
    writeFileSync(agentsCsv, csv);
    return proxyFor({ auth: { jwksUrl, issuer: ISSUER, audience: CLIENT_ID, agents: agentsFromFile(agentsCsv) }, allowedOrigins: [EXTENSION], ...options });
  };

  it('a verified email in the file calls as its number; the page cannot name another agent', async () => {
    const proxy = await proxyWithAgents(`email,agent_number\nasha@example.com,+91 98765 43210\nvikram@example.com,098123 45678\n`);
    const started = await proxy.call(startBody('+918000000001', null), { headers: await bearer({ email: 'Asha@Example.com', email_verified: true }) });
    assert.equal(started.status, 200, started.text);
    const other = await proxy.call(startBody('+918000000002', VIKRAM), { headers: await bearer({ email: 'asha@example.com' }) });
    assert.equal(other.status, 403);
    assert.deepEqual(
      proxy.upstream.simulator.snapshot().notifications.map((note) => [note.action, note.agentNumber]),
      [['START', ASHA]],
    );
  });

  it('near misses of a listed email, an unverified email and a token with none: refused, with words to act on, and Superfone untouched', async () => {
    const proxy = await proxyWithAgents('asha@example.com,+919876543210\n');
    for (const email of ['xasha@example.com', 'sha@example.com', 'asha@example.co', 'asha@example.comx', 'asha@exbmple.com', 'asha+1@example.com', 'bsha@example.com']) {
      const answer = await proxy.call(startBody('+918000000001', null), { headers: await bearer({ email }) });
      assert.equal(answer.status, 403, email);
      assert.equal(answer.json.error.code, 'forbidden');
      assert.deepEqual(answer.json.error.detail, { refused: 'not_an_agent' });
      assert.match(
        answer.json.error.message,
        new RegExp(`${email.replace(/[.+]/g, '\\$&')} is not an agent on this call service. Ask your administrator to add it to the agents file`),
      );
    }
    // Some providers write the claim as a string (AWS Cognito does): "false" is as unverified as false.
    for (const emailVerified of [false, 'false']) {
      const unverified = await proxy.call(startBody('+918000000001', null), { headers: await bearer({ email: 'asha@example.com', email_verified: emailVerified }) });
      assert.equal(unverified.status, 403, JSON.stringify(emailVerified));
      assert.deepEqual(unverified.json.error.detail, { refused: 'email_unverified' });
    }
    const none = await proxy.call(startBody('+918000000001', null), { headers: await bearer({ superfone_agent: ASHA }) });
    assert.equal(none.status, 401);
    assert.match(none.json.error.message, /names no email/);
    assert.equal(proxy.upstream.simulator.requestCount, 0);
    assert.equal(proxy.logs.at(-1)!.refusal, 'identity');
  });

  it('the file is read again when it changes: an agent removed is refused, added back calls again; an edit with a mistake keeps the list before it', async () => {
    const proxy = await proxyWithAgents('asha@example.com,+919876543210\n');
    const whoIs = async () => (await ask(proxy, 'whoami', { headers: await bearer({ email: 'asha@example.com' }) })).status;
    assert.equal(await whoIs(), 200);
    writeFileSync(agentsCsv, 'vikram@example.com,+919812345678\n');
    const deadline = Date.now() + 5_000;
    while ((await whoIs()) !== 403) {
      assert.ok(Date.now() < deadline, 'the removal seen within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    writeFileSync(agentsCsv, 'vikram@example.com,+919812345678\nasha@example.com,+919876543210\n');
    while ((await whoIs()) !== 200) {
      assert.ok(Date.now() < deadline + 5_000, 'the addition seen within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    writeFileSync(agentsCsv, 'asha@example.com,not a number\n');
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    assert.equal(await whoIs(), 200, 'a broken edit does not sign Asha out');
  });

  it('whoami answers exactly where a call would pass the host, origin and identity checks, and places nothing', async () => {
    const proxy = await proxyWithAgents('asha@example.com,+919876543210\n');
    const headers = { Origin: EXTENSION, ...(await bearer({ email: 'asha@example.com', email_verified: true })) };
    const known = await ask(proxy, 'whoami', { headers });
    assert.equal(known.status, 200);
    assert.deepEqual(known.json, { agentNumber: ASHA, email: 'asha@example.com' });
    assert.equal(known.headers.get('access-control-allow-origin'), EXTENSION);

    const otherOrigin = await ask(proxy, 'whoami', { headers: { ...headers, Origin: EXTENSION.replace(/p$/, 'a') } });
    assert.equal(otherOrigin.status, 403);
    assert.deepEqual(otherOrigin.json.error.detail, { refused: 'origin' });
    const call = await proxy.call(startBody('+918000000001', null), { headers: { ...headers, Origin: EXTENSION.replace(/p$/, 'a') } });
    assert.deepEqual([call.status, call.json.error.detail], [403, { refused: 'origin' }], 'a call meets the same refusal');

    assert.equal((await ask(proxy, 'whoami', { headers: { Origin: EXTENSION } })).status, 401, 'no token');
    assert.equal((await ask(proxy, 'whoami', { headers: { Origin: EXTENSION, ...(await bearer({ email: 'nobody@example.com' })) } })).json.error.detail.refused, 'not_an_agent');
    const get = await ask(proxy, 'whoami', { method: 'GET', headers });
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal((await ask(proxy, 'whoami', { headers, body: '{"customer_number":"+918000000001"}' })).status, 413, 'it takes no body');
    assert.equal(proxy.upstream.simulator.requestCount, 0, 'nothing reached Superfone');
  });

  it('without sign-in settings whoami says the page names the agent', async () => {
    const proxy = await proxyFor({});
    assert.deepEqual((await ask(proxy, 'whoami')).json, { agentNumber: null });
  });

  it('the agents file in docs/extension.md, as written, lists its two agents', () => {
    assert.deepEqual(
      [...parseAgentsCsv(readmeRecipe('agents-csv'), 'IN')],
      [
        ['asha@example.com', ASHA],
        ['vikram@example.com', VIKRAM],
      ],
    );
  });

  it('the file is checked line by line, a header optional; an agents list and an agent claim together are refused', () => {
    assert.deepEqual(
      [...parseAgentsCsv('# agents\nEmail,Agent number\nasha@example.com, 098765 43210\n\n"vikram@example.com","+91 98123 45678"\r\n', 'IN')],
      [
        ['asha@example.com', ASHA],
        ['vikram@example.com', VIKRAM],
      ],
    );
    assert.throws(() => parseAgentsCsv('asha@example.com,+919876543210\nvikram@example.com\n', 'IN'), /line 2: expected email,agent_number/);
    assert.throws(() => parseAgentsCsv('asha@example.com,12\n', 'IN'), /line 1: "12" is not a valid phone number/);
    assert.throws(() => parseAgentsCsv('asha,+919876543210\n', 'IN'), /line 1: "asha" is not an email address/);
    assert.throws(() => parseAgentsCsv('a@x.in,+919876543210\nA@x.in,+919812345678\n', 'IN'), /line 2: A@x.in is listed twice/);
    assert.rejects(proxyFor({ auth: { jwksUrl, issuer: ISSUER, agentClaim: 'phone_number', agents: () => null } }), /keep one/);
  });

  it('the CLI: SUPERFONE_AGENTS_FILE is read at start (a mistake names its line), then finds agents by email', async () => {
    /** A start that reads the agents file at `file` and stops there (port 1 is never reached). */
    const startWith = (file: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli/cli.ts', '--simulate'], {
        env: { PATH: process.env.PATH, SUPERFONE_JWKS_URL: jwksUrl, SUPERFONE_JWT_ISSUER: ISSUER, SUPERFONE_AGENTS_FILE: file, PORT: '1' },
        encoding: 'utf8',
        timeout: 20_000,
      });
    writeFileSync(agentsCsv, 'asha@example.com,+919876543210\nvikram@example.com,nope\n');
    const bad = startWith(agentsCsv);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /SUPERFONE_AGENTS_FILE: agents file .*agents\.csv, line 2: "nope" is not a valid phone number/);
    const missing = `${agentsCsv}.gone`;
    const none = startWith(missing);
    assert.equal(none.status, 2);
    assert.ok(none.stderr.includes(`SUPERFONE_AGENTS_FILE: there is no file ${missing}.\n`), none.stderr);
    writeFileSync(agentsCsv, 'asha@example.com,+919876543210\n');
    const cli = await startCliProxy(
      { SUPERFONE_API_KEY: API_KEY, SUPERFONE_JWKS_URL: jwksUrl, SUPERFONE_JWT_ISSUER: ISSUER, SUPERFONE_JWT_AUDIENCE: CLIENT_ID, SUPERFONE_AGENTS_FILE: agentsCsv },
      ['--simulate'],
    );
    try {
      const answer = await fetch(cli.url.replace(/call$/, 'whoami'), { method: 'POST', headers: await bearer({ email: 'asha@example.com' }) });
      assert.deepEqual(await answer.json(), { agentNumber: ASHA, email: 'asha@example.com' });
    } finally {
      cli.child.kill();
    }
  });
});

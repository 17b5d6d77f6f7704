// Round 3 of hostile clients, the token and upstream part: two Authorization headers, tokens
// that live too long or come from the future, a Retry-After from Superfone that carries more
// than seconds, a key echoed in upper case, and a Superfone address in the clear. Tokens are
// made by jose; requests go over real loopback HTTP where the Node adapter is in play.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';

import { SignJWT } from 'jose';

import { createSuperfoneProxy, type ProxyLogEntry } from '../../../../src/server/core/proxy.js';
import { rawExchange } from '../../../support/raw-http.js';
import { API_KEY, ASHA, proxiesPerTest, startBody, startHttpProxy } from '../../helpers.js';

const JWT_SECRET = 'round_3_test_secret_0123456789abcdef_0123';
const auth = { secret: JWT_SECRET };
const nowSec = () => Math.floor(Date.now() / 1000);

/** A token with exactly these times (seconds since 1970; `null` leaves `iat` out). */
function tokenAt(iat: number | null, exp: number): Promise<string> {
  const token = new SignJWT({ superfone_agent: ASHA }).setProtectedHeader({ alg: 'HS256' }).setAudience('superfone-proxy').setExpirationTime(exp);
  if (iat !== null) token.setIssuedAt(iat);
  return token.sign(new TextEncoder().encode(JWT_SECRET));
}

describe('tokens: one Authorization header, a lifetime within bounds, an iat not ahead of the clock', { timeout: 60_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('two Authorization headers get 400 before any token is read, through node:http (which keeps only the first) and through Fetch', async () => {
    const good = await tokenAt(nowSec(), nowSec() + 600);
    const served = await startHttpProxy({ auth });
    try {
      const port = Number(new URL(served.base).port);
      const body = JSON.stringify(startBody('+918000000001', null));
      const request = (lines: string) =>
        `POST /api/superfone/call HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\n${lines}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
      for (const [first, second] of [
        [good, 'not-a-token'],
        ['not-a-token', good],
        [good, good],
      ]) {
        const answer = await rawExchange(port, request(`Authorization: Bearer ${first}\r\nAuthorization: Bearer ${second}\r\n`));
        assert.deepEqual(answer.statuses, [400], answer.text);
        assert.match(answer.text, /more than one Authorization header/);
      }
      const one = await rawExchange(port, request(`Authorization: Bearer ${good}\r\n`), { waitMs: 5_000, endAfterWrite: false });
      assert.deepEqual(one.statuses, [200], `one header still calls: ${JSON.stringify(one)}`);
      assert.equal(served.upstream.simulator.snapshot().notifications.length, 1, 'only that one reached Superfone');
      assert.equal(
        served.logs.filter((entry) => entry.status === 400).every((entry) => entry.refusal === 'malformed'),
        true,
      );
    } finally {
      await served.close();
    }
    const proxy = await proxyFor({ auth });
    const headers = new Headers({ 'Content-Type': 'application/json' });
    headers.append('Authorization', `Bearer ${good}`);
    headers.append('Authorization', `Bearer ${good}`);
    const response = await proxy.handler(new Request('http://localhost/api/superfone/call', { method: 'POST', headers, body: JSON.stringify(startBody()) }), {
      clientAddress: '127.0.0.1',
    });
    assert.equal(response.status, 400);
  });

  it('a token good for ten years, or 12 h and a second, or 13 h with no iat, is refused; 12 h exactly is not; the audit line says why', async () => {
    const proxy = await proxyFor({ auth, rateLimits: false });
    const now = nowSec();
    // Each START that goes through is ended, so that the simulated agent is free for the next.
    const ask = async (token: string) => {
      const answer = await proxy.call(startBody('+918000000001', null), { headers: { Authorization: `Bearer ${token}` } });
      if (answer.status === 200) await proxy.call({ ...startBody('+918000000001', null), call_action: 'END' }, { headers: { Authorization: `Bearer ${token}` } });
      return answer;
    };
    for (const [what, token] of [
      ['ten years', await tokenAt(now, now + 10 * 365 * 86_400)],
      ['12 h and a second', await tokenAt(now, now + 12 * 3_600 + 1)],
      ['13 h, no iat', await tokenAt(null, now + 13 * 3_600)],
      ['issued an hour ago, good for 12 h 1 s more', await tokenAt(now - 3_600, now + 11 * 3_600 + 1)],
    ] as const) {
      const answer = await ask(token);
      assert.equal(answer.status, 401, what);
      assert.equal(answer.json.error.code, 'unauthorized', what);
      assert.match(answer.json.error.message, /good for longer than this call service allows \(720 min\)/, what);
      assert.deepEqual([proxy.logs.at(-1)!.refusal, proxy.logs.at(-1)!.detail], ['identity', 'token_too_long_lived'], what);
    }
    assert.equal((await ask(await tokenAt(now, now + 12 * 3_600))).status, 200, '12 h exactly');
    assert.equal((await ask(await tokenAt(null, now + 600))).status, 200, 'no iat, 10 min');
    assert.deepEqual(
      proxy.upstream.simulator.snapshot().notifications.map((note) => note.action),
      ['START', 'END', 'START', 'END'],
      'only the two good tokens reached Superfone',
    );
  });

  it('a token of 8,192 characters is read and calls; one of 8,193 is refused unread, as a token it cannot read', async () => {
    const proxy = await proxyFor({ auth, rateLimits: false });
    /** A good token padded by a claim to exactly `length` characters (base64url skips some lengths: a second claim fills them). */
    async function tokenOf(length: number): Promise<string> {
      for (let extra = 0; extra < 3; extra++) {
        // Each character of padding adds 4/3 to the token: start a little short of the length, not at 0.
        for (let pad = Math.max(0, Math.floor(((length - 400) * 3) / 4)); pad < length; pad += 1) {
          const claims = { superfone_agent: ASHA, pad: 'p'.repeat(pad), ...(extra ? { x: 'x'.repeat(extra) } : {}) };
          const token = await new SignJWT(claims)
            .setProtectedHeader({ alg: 'HS256' })
            .setAudience('superfone-proxy')
            .setIssuedAt()
            .setExpirationTime('10m')
            .sign(new TextEncoder().encode(JWT_SECRET));
          if (token.length === length) return token;
          if (token.length > length) break;
        }
      }
      throw new Error(`no token of ${length} characters`);
    }
    const longest = await tokenOf(8_192);
    const started = await proxy.call(startBody('+918000000001', null), { headers: { Authorization: `Bearer ${longest}` } });
    assert.equal(started.status, 200, JSON.stringify(started.json));
    await proxy.call({ ...startBody('+918000000001', null), call_action: 'END' }, { headers: { Authorization: `Bearer ${longest}` } });
    const tooLong = await proxy.call(startBody('+918000000001', null), { headers: { Authorization: `Bearer ${await tokenOf(8_193)}` } });
    assert.equal(tooLong.status, 401);
    assert.equal(tooLong.json.error.message, 'Your sign-in token is not one this call service can read. Sign in again.');
    assert.equal(proxy.logs.at(-1)!.refusal, 'identity');
    assert.deepEqual(
      proxy.upstream.simulator.snapshot().notifications.map((note) => note.action),
      ['START', 'END'],
    );
  });

  it('an iat a day or 61 s ahead is refused as from the future; 30 s ahead is clock skew; maxTokenAge lowers the bound', async () => {
    const proxy = await proxyFor({ auth, rateLimits: false });
    const now = nowSec();
    for (const ahead of [86_400, 61 + 2]) {
      const answer = await proxy.call(startBody('+918000000001', null), { headers: { Authorization: `Bearer ${await tokenAt(now + ahead, now + ahead + 600)}` } });
      assert.equal(answer.status, 401, `${ahead} s ahead`);
      assert.match(answer.json.error.message, /issued in the future/);
      assert.equal(proxy.logs.at(-1)!.detail, 'token_from_the_future');
    }
    assert.equal((await proxy.call(startBody('+918000000001', null), { headers: { Authorization: `Bearer ${await tokenAt(now + 30, now + 600)}` } })).status, 200);

    const strict = await proxyFor({ auth: { ...auth, maxTokenAge: 3_600 } });
    const twoHours = await strict.call(startBody('+918000000001', null), { headers: { Authorization: `Bearer ${await tokenAt(now, now + 7_200)}` } });
    assert.equal(twoHours.status, 401);
    assert.equal(strict.logs.at(-1)!.detail, 'token_too_long_lived');
    await assert.rejects(proxyFor({ auth: { ...auth, maxTokenAge: 10 } }), /auth.maxTokenAge must be a whole number of seconds from 60/);
  });

  it('the CLI: SUPERFONE_JWT_MAX_AGE is checked at start, and `token --ttl` mints nothing the proxy would refuse', () => {
    const cli = (args: string[], env: Record<string, string>) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli/cli.ts', ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 20_000 });
    const bad = cli(['--simulate'], { SUPERFONE_JWT_SECRET: JWT_SECRET, SUPERFONE_JWT_MAX_AGE: '12h' });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /SUPERFONE_JWT_MAX_AGE must be a whole number from 60 to 2592000 \(got "12h"\)/);
    const long = cli(['token', '--agent', ASHA, '--ttl', String(12 * 3_600 + 1)], { SUPERFONE_JWT_SECRET: JWT_SECRET });
    assert.notEqual(long.status, 0);
    assert.match(long.stderr, /--ttl must be a whole number from 1 to 43200/);
  });
});

describe('what comes back from Superfone: Retry-After as seconds only, the key hidden in any case', { timeout: 60_000 }, () => {
  // Not the simulator: it is a faithful Superfone, and this is Superfone misbehaving. A loopback
  // server answers each request with what the test sets, headers included.
  let upstream: Server;
  let apiBase: string;
  let answer: { status: number; headers: Record<string, string>; body: string } = { status: 200, headers: {}, body: '{}' };

  before(async () => {
    upstream = createServer((_req, res) => res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers }).end(answer.body));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    apiBase = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/superfone/api`;
  });
  after(() => {
    upstream?.closeAllConnections();
    upstream?.close();
  });

  const start = async () => {
    const logs: ProxyLogEntry[] = [];
    const proxy = createSuperfoneProxy({ apiKey: API_KEY, apiBase, rateLimits: false, circuitBreaker: false, log: (entry) => logs.push(entry) });
    const response = await proxy(new Request('http://localhost/call', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody()) }), {
      clientAddress: '127.0.0.1',
    });
    const text = await response.text();
    const everything = [text, ...[...response.headers].map(([name, value]) => `${name}: ${value}`), ...logs.map((entry) => JSON.stringify(entry))].join('\n');
    return { response, text, everything };
  };

  it('Retry-After reaches the client as whole seconds, digits only, at most an hour; anything else in it is dropped', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    for (const [sent, expected] of [
      ['12', '12'],
      [' 7 ', '7'],
      ['99999', '3600'],
      ['0', '0'],
      [`Wed, 21 Oct 2026 07:28:00 GMT (${API_KEY})`, '30'],
      [`12 ${API_KEY}`, '30'],
      ['12.5', '30'],
      ['-5', '30'],
      ['soon', '30'],
      ['Wed, 21 Oct 2015 07:28:00 GMT', '0'],
    ] as const) {
      answer = { status: 429, headers: { 'Retry-After': sent }, body: '{"message":"slow down"}' };
      const { response, everything } = await start();
      assert.equal(response.status, 429, sent);
      assert.equal(response.headers.get('retry-after'), expected, sent);
      assert.ok(!everything.toLowerCase().includes(API_KEY.toLowerCase().slice(0, 10)), `no piece of the key: ${sent}`);
    }
    answer = { status: 429, headers: { 'Retry-After': inAMinute }, body: '{}' };
    const seconds = Number((await start()).response.headers.get('retry-after'));
    assert.ok(seconds >= 58 && seconds <= 60, `an HTTP date a minute ahead: ${seconds}`);
  });

  it('a key Superfone echoes in upper case, lower case or mixed is hidden from the answer and the log', async () => {
    const mixed = [...API_KEY].map((char, index) => (index % 2 ? char.toUpperCase() : char.toLowerCase())).join('');
    for (const echoed of [API_KEY.toUpperCase(), API_KEY.toLowerCase(), mixed, `xx${API_KEY.toUpperCase().slice(3, 15)}yy`]) {
      answer = { status: 200, headers: {}, body: JSON.stringify({ data: { notificationID: 7, sentSuccess: true }, message: `Queued for key ${echoed}` }) };
      const { response, everything } = await start();
      assert.equal(response.status, 200);
      const lower = everything.toLowerCase();
      for (let at = 0; at + 10 <= API_KEY.length; at++) assert.ok(!lower.includes(API_KEY.toLowerCase().slice(at, at + 10)), `a piece of the key, as ${echoed}`);
      assert.match(everything, /\[redacted\]/);
    }
  });

  it('a Superfone address in the clear is refused at start, unless it is loopback: the key travels to it', () => {
    assert.throws(
      () => createSuperfoneProxy({ apiKey: API_KEY, apiBase: 'http://prod-api.superfone.co.in/superfone/api' }),
      /apiBase "http:\/\/prod-api\.superfone\.co\.in\/superfone\/api" must be https \(http only on loopback\)/,
    );
    assert.throws(() => createSuperfoneProxy({ apiKey: API_KEY, apiBase: 'http://127.0.0.1.example.com/api' }), /must be https/);
    for (const loopback of ['http://127.0.0.1:9/api', 'http://localhost:9/api', 'http://[::1]:9/api', 'https://superfone.example/api'])
      createSuperfoneProxy({ apiKey: API_KEY, apiBase: loopback });
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli/cli.ts'], {
      env: { PATH: process.env.PATH, SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: 'http://superfone.example/api', PORT: '1' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.notEqual(cli.status, 0);
    assert.match(cli.stderr, /SUPERFONE_API_BASE "http:\/\/superfone\.example\/api" must be https/);
  });
});

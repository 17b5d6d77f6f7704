import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it, mock } from 'node:test';

import fc from 'fast-check';
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'jose';

import { ASHA, proxiesPerTest, type ProxyUnderTest, startBody, VIKRAM } from '../../helpers.js';

// Tokens here are made by jose directly or by hand with node:crypto, never by the code under test.
const JWT_SECRET = 'jwt_test_secret_0123456789abcdef_0123456789';
const AUDIENCE = 'superfone-proxy';
const ISSUER = 'https://idp.example.test';
const now = () => Math.floor(Date.now() / 1000);

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An HS-signed token built by hand: any header, any claims, any algorithm node:crypto has. */
function handMade(header: object, claims: object, secret: string | Buffer = JWT_SECRET, hash = 'sha256'): string {
  const unsigned = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac(hash, secret).update(unsigned).digest('base64url')}`;
}

function hs256(claims: Record<string, unknown>, options: { secret?: string; expiresIn?: number | null; audience?: string | null } = {}): Promise<string> {
  const token = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (options.audience !== null) token.setAudience(options.audience ?? AUDIENCE);
  if (options.expiresIn !== null) token.setExpirationTime(now() + (options.expiresIn ?? 600));
  return token.sign(new TextEncoder().encode(options.secret ?? JWT_SECRET));
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

async function expectRefused(proxy: ProxyUnderTest, headers: Record<string, string>, code: string, challenge: RegExp): Promise<void> {
  const answer = await proxy.call(startBody('+918000000001', null), { headers });
  assert.equal(answer.status, 401, answer.text);
  assert.equal(answer.json.error.code, code);
  assert.match(answer.headers.get('www-authenticate') ?? '', challenge);
  assert.equal(proxy.upstream.simulator.requestCount, 0, 'Superfone is untouched');
  assert.equal(proxy.logs.at(-1)!.refusal, 'identity');
}

/** No token, whole or a third of it, in anything the proxy let out. */
function assertNoToken(proxy: ProxyUnderTest, tokens: string[]): void {
  for (const token of tokens) {
    const signature = token.split('.')[2] ?? token;
    for (const text of proxy.emitted) assert.ok(!text.includes(token) && (signature.length < 10 || !text.includes(signature)), `a token leaked into ${text.slice(0, 200)}`);
  }
}

describe('sign-in tokens (HS256): who may call, decided with configuration only', { timeout: 60_000 }, () => {
  const proxyFor = proxiesPerTest();
  const auth = { secret: JWT_SECRET };

  it('a good token places and ends calls as its agent; a body without user_number uses the token’s', async () => {
    const proxy = await proxyFor({ auth });
    const token = await hs256({ superfone_agent: '+91 98765 43210' });
    const started = await proxy.call(startBody('+918000000001', null), { headers: bearer(token) });
    assert.equal(started.status, 200, started.text);
    const ended = await proxy.call({ ...startBody('+918000000001', ASHA), call_action: 'END' }, { headers: bearer(token) });
    assert.equal(ended.status, 200);
    assert.deepEqual(
      proxy.upstream.simulator.snapshot().notifications.map((note) => [note.action, note.agentNumber]),
      [
        ['START', ASHA],
        ['END', ASHA],
      ],
    );
    assertNoToken(proxy, [token]);
  });

  it('a token for agent A naming agent B: 403, and nothing reaches Superfone', async () => {
    const proxy = await proxyFor({ auth });
    const answer = await proxy.call(startBody('+918000000001', VIKRAM), { headers: bearer(await hs256({ superfone_agent: ASHA })) });
    assert.equal(answer.status, 403);
    assert.equal(answer.json.error.code, 'forbidden');
    assert.equal(proxy.upstream.simulator.requestCount, 0);
  });

  it('ENDs need the token too', async () => {
    const proxy = await proxyFor({ auth });
    const answer = await proxy.call({ ...startBody(), call_action: 'END' });
    assert.equal(answer.status, 401);
    assert.equal(proxy.upstream.simulator.requestCount, 0);
  });

  it('forged and broken tokens: 401 with a code the page can word, WWW-Authenticate, Superfone untouched, no token in any output', async () => {
    const proxy = await proxyFor({ auth });
    const agent = { superfone_agent: ASHA, aud: AUDIENCE, exp: now() + 600 };
    const tokens: Record<string, string> = {
      'signed with another secret': await hs256({ superfone_agent: ASHA }, { secret: 'another_secret_0123456789abcdef_0123456789' }),
      'the secret one byte off at the start': handMade({ alg: 'HS256' }, agent, `X${JWT_SECRET.slice(1)}`),
      'the secret one byte off in the middle': handMade({ alg: 'HS256' }, agent, `${JWT_SECRET.slice(0, 20)}X${JWT_SECRET.slice(21)}`),
      'the secret one byte off at the end': handMade({ alg: 'HS256' }, agent, `${JWT_SECRET.slice(0, -1)}X`),
      'the secret’s first 32 characters': handMade({ alg: 'HS256' }, agent, JWT_SECRET.slice(0, 32)),
      'alg: none': `${base64url(JSON.stringify({ alg: 'none' }))}.${base64url(JSON.stringify(agent))}.`,
      'HS512 with the right secret': handMade({ alg: 'HS512' }, agent, JWT_SECRET, 'sha512'),
      'wrong audience': await hs256({ superfone_agent: ASHA }, { audience: 'another-service' }),
      'no audience': await hs256({ superfone_agent: ASHA }, { audience: null }),
      'no expiry': await hs256({ superfone_agent: ASHA }, { expiresIn: null }),
      'no agent claim': await hs256({ sub: 'user-7' }),
      'an agent claim that is no number': await hs256({ superfone_agent: 'Asha' }),
      'a number object': await hs256({ superfone_agent: { number: ASHA } }),
      'two parts': 'eyJhbGciOiJIUzI1NiJ9.e30',
      'not base64': 'a.b.c',
      garbage: 'not a token at all',
      huge: `${'a'.repeat(9_000)}.b.c`,
    };
    for (const [what, token] of Object.entries(tokens)) {
      await test(what, () => expectRefused(proxy, bearer(token), 'unauthorized', /Bearer realm="superfone-proxy", error="invalid_token"/));
    }
    await expectRefused(proxy, {}, 'unauthorized', /^Bearer realm="superfone-proxy"$/);
    await expectRefused(proxy, { Authorization: 'Basic dXNlcjpwYXNz' }, 'unauthorized', /^Bearer realm="superfone-proxy"$/);
    assertNoToken(proxy, Object.values(tokens));
  });

  it('two Authorization headers (Fetch joins them with a comma) are a 400, whichever agents they name: which counts would be a guess', async () => {
    const proxy = await proxyFor({ auth, rateLimits: false });
    const [asha, vikram] = [await hs256({ superfone_agent: ASHA }), await hs256({ superfone_agent: VIKRAM })];
    for (const authorization of [`Bearer ${asha}, Bearer ${vikram}`, `Bearer ${asha}, Bearer ${asha}`]) {
      const answer = await proxy.call(startBody('+918000000001', null), { headers: { Authorization: authorization } });
      assert.equal(answer.status, 400, answer.text);
      assert.equal(answer.json.error.code, 'bad_request');
      assert.equal(answer.json.error.message, 'The request has more than one Authorization header.');
      assert.equal(proxy.logs.at(-1)!.refusal, 'malformed');
    }
    assert.equal(proxy.upstream.simulator.requestCount, 0, 'Superfone is untouched');
  });

  it('expired, or not valid yet: 401 token_expired; 30 s of clock skew allowed', async () => {
    const proxy = await proxyFor({ auth, rateLimits: false });
    await expectRefused(proxy, bearer(await hs256({ superfone_agent: ASHA }, { expiresIn: -120 })), 'token_expired', /error="invalid_token"/);
    await expectRefused(proxy, bearer(await hs256({ superfone_agent: ASHA, nbf: now() + 300 })), 'token_expired', /error="invalid_token"/);
    const withinSkew = await proxy.call(
      { ...startBody('+918000000001', null), call_action: 'END' },
      { headers: bearer(await hs256({ superfone_agent: ASHA }, { expiresIn: -10 })) },
    );
    assert.equal(withinSkew.status, 200, 'expired 10 s ago: within the skew');
  });

  it('with a token binding the agent, the END flood budget counts per agent, not per client', async () => {
    const proxy = await proxyFor({ auth, rateLimits: { endsPerClient: { points: 1, durationSec: 60 } } });
    const end = async (agent: string) =>
      (await proxy.call({ ...startBody('+918000000001', null), call_action: 'END' }, { headers: bearer(await hs256({ superfone_agent: agent })) })).status;
    assert.equal(await end(ASHA), 200);
    assert.equal(await end(VIKRAM), 200, 'another agent from the same address');
    assert.equal(await end(ASHA), 429);
  });

  it('with authorize too: the token decides the agent; authorize may refuse, and may not name another', async () => {
    let decision: string | false | undefined;
    const proxy = await proxyFor({ auth, authorize: () => decision });
    const token = bearer(await hs256({ superfone_agent: ASHA }));
    decision = false;
    assert.equal((await proxy.call(startBody('+918000000001', null), { headers: token })).status, 401);
    decision = VIKRAM;
    assert.equal((await proxy.call(startBody('+918000000001', null), { headers: token })).status, 403);
    assert.equal(proxy.upstream.simulator.requestCount, 0);
    decision = undefined;
    assert.equal((await proxy.call(startBody('+918000000001', null), { headers: token })).status, 200);
  });

  it('property: random claims are accepted exactly when audience, expiry, not-before and agent all hold', async () => {
    const proxy = await proxyFor({ auth, rateLimits: false });
    // Agents written by hand: valid Indian mobiles in three formats, and strings that are no number.
    const agents = [ASHA, '09876543210', '+91 98123 45678', 'Asha', '12345', '', null];
    const acceptedAgents = new Set([ASHA, '09876543210', '+91 98123 45678']);
    const claims = fc.record({
      agent: fc.constantFrom(...agents),
      aud: fc.constantFrom(AUDIENCE, 'other', undefined),
      expOffset: fc.option(fc.integer({ min: -600, max: 600 }), { nil: undefined }),
      nbfOffset: fc.option(fc.integer({ min: -600, max: 600 }), { nil: undefined }),
      extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(claims, async ({ agent, aud, expOffset, nbfOffset, extra }) => {
        const issued = now();
        const payload = {
          ...extra,
          ...(agent === null ? {} : { superfone_agent: agent }),
          ...(aud ? { aud } : {}),
          ...(expOffset === undefined ? {} : { exp: issued + expOffset }),
          ...(nbfOffset === undefined ? {} : { nbf: issued + nbfOffset }),
        };
        // Away from the 30 s skew's edges, so the clock moving during the run cannot flip the answer.
        fc.pre(expOffset === undefined || Math.abs(expOffset + 30) > 5);
        fc.pre(nbfOffset === undefined || Math.abs(nbfOffset - 30) > 5);
        const expected =
          aud === AUDIENCE && expOffset !== undefined && expOffset > -30 && (nbfOffset === undefined || nbfOffset < 30) && agent !== null && acceptedAgents.has(agent);
        const answer = await proxy.call({ ...startBody('+918000000001', null), call_action: 'END' }, { headers: bearer(handMade({ alg: 'HS256', typ: 'JWT' }, payload)) });
        assert.equal(answer.status === 200, expected, `${JSON.stringify(payload)} → ${answer.status} ${answer.text}`);
        if (!expected) assert.equal(answer.status, 401);
      }),
      { numRuns: 200 },
    );
  });

  it('bad settings are refused at start-up', async () => {
    await assert.rejects(proxyFor({ auth: { secret: 'short' } }), /at least 32 characters/);
    await assert.rejects(proxyFor({ auth: {} }), /exactly one of secret/);
    await assert.rejects(proxyFor({ auth: { jwksUrl: 'https://idp.example.test/keys' } }), /issuer is required/);
    await assert.rejects(proxyFor({ auth: { jwksUrl: 'http://idp.example.test/keys', issuer: ISSUER } }), /must be https/);
  });
});

/** `t.test`-like labelled step inside one test: a failure says which case. */
async function test(what: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    throw new Error(`${what}: ${(error as Error).message}`);
  }
}

describe('sign-in tokens from an identity provider’s published keys (JWKS)', { timeout: 120_000 }, () => {
  const proxyFor = proxiesPerTest();
  let jwksServer: Server;
  let jwksUrl: string;
  const published: JWK[] = [];
  let fetches = 0;
  const keys: Record<string, { privateKey: CryptoKey; publicKey: CryptoKey; alg: string }> = {};

  before(async () => {
    for (const [kid, alg] of [
      ['rsa-1', 'RS256'],
      ['ec-1', 'ES256'],
      ['ed-1', 'EdDSA'],
      ['rsa-2', 'RS256'],
      ['rsa-3', 'RS256'],
    ] as const) {
      const pair = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
      keys[kid] = { ...pair, alg };
      // rsa-2 and rsa-3 are published later: the provider's rotations.
      if (kid !== 'rsa-2' && kid !== 'rsa-3') published.push({ ...(await exportJWK(pair.publicKey)), kid, alg, use: 'sig' });
    }
    jwksServer = createServer((_req, res) => {
      fetches += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  after(() => {
    jwksServer?.closeAllConnections();
    jwksServer?.close();
  });

  const signed = (kid: string, claims: Record<string, unknown> = { superfone_agent: ASHA }, issuer = ISSUER) =>
    new SignJWT(claims).setProtectedHeader({ alg: keys[kid]!.alg, kid }).setIssuer(issuer).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('10m').sign(keys[kid]!.privateKey);

  it('RS256, ES256 and EdDSA tokens from the provider place calls; its keys are fetched once and cached', async () => {
    const proxy = await proxyFor({ auth: { jwksUrl, issuer: ISSUER }, rateLimits: false });
    const before = fetches;
    for (const kid of ['rsa-1', 'ec-1', 'ed-1']) {
      const answer = await proxy.call({ ...startBody('+918000000001', null), call_action: 'END' }, { headers: bearer(await signed(kid)) });
      assert.equal(answer.status, 200, `${kid}: ${answer.text}`);
    }
    assert.equal(fetches - before, 1);
  });

  it('the provider’s keys are kept 10 minutes, as docs/proxy.md says: not fetched again a second before, fetched again a second after (the clock mocked)', async () => {
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    try {
      const proxy = await proxyFor({ auth: { jwksUrl, issuer: ISSUER }, rateLimits: false });
      const before = fetches;
      const end = async () => (await proxy.call({ ...startBody('+918000000001', null), call_action: 'END' }, { headers: bearer(await signed('rsa-1')) })).status;
      assert.equal(await end(), 200);
      assert.equal(fetches - before, 1);
      mock.timers.tick(10 * 60_000 - 1_000);
      assert.equal(await end(), 200);
      assert.equal(fetches - before, 1, '9 min 59 s on: from the cache');
      mock.timers.tick(2_000);
      assert.equal(await end(), 200);
      assert.equal(fetches - before, 2, '10 min 1 s on: fetched again');
    } finally {
      mock.timers.reset();
    }
  });

  it('wrong issuer, unknown key, HS256 signed with the provider’s public key, a provider key for another service: 401', async () => {
    const proxy = await proxyFor({ auth: { jwksUrl, issuer: ISSUER } });
    const publicPem = await exportSPKI(keys['rsa-1']!.publicKey);
    const confused = handMade({ alg: 'HS256', kid: 'rsa-1' }, { superfone_agent: ASHA, aud: AUDIENCE, iss: ISSUER, exp: now() + 600 }, publicPem);
    const forOthers = await new SignJWT({ superfone_agent: ASHA })
      .setProtectedHeader({ alg: 'RS256', kid: 'rsa-1' })
      .setIssuer(ISSUER)
      .setAudience('crm-api')
      .setExpirationTime('10m')
      .sign(keys['rsa-1']!.privateKey);
    for (const [what, token] of [
      ['wrong issuer', await signed('rsa-1', { superfone_agent: ASHA }, 'https://evil.example.test')],
      ['unknown key', await signed('rsa-2')],
      ['HS256 with the public key', confused],
      ['another audience', forOthers],
    ] as const) {
      await test(what, () => expectRefused(proxy, bearer(token), 'unauthorized', /error="invalid_token"/));
    }
  });

  it('a key the provider adds later is accepted without a restart', async () => {
    const proxy = await proxyFor({ auth: { jwksUrl, issuer: ISSUER, jwksCooldownSec: 1 }, rateLimits: false });
    const end = async (kid: string) => (await proxy.call({ ...startBody('+918000000001', null), call_action: 'END' }, { headers: bearer(await signed(kid)) })).status;
    assert.equal(await end('rsa-1'), 200);
    assert.equal(await end('rsa-2'), 401, 'not published yet');
    published.push({ ...(await exportJWK(keys['rsa-2']!.publicKey)), kid: 'rsa-2', alg: 'RS256', use: 'sig' });
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    assert.equal(await end('rsa-2'), 200, 'published, and fetched again on the unknown key id');
  });

  it('by default an unknown key id fetches the keys again at most every 30 s, as the README says', { timeout: 60_000 }, async () => {
    const proxy = await proxyFor({ auth: { jwksUrl, issuer: ISSUER }, rateLimits: false });
    const end = async (kid: string) => (await proxy.call({ ...startBody('+918000000001', null), call_action: 'END' }, { headers: bearer(await signed(kid)) })).status;
    assert.equal(await end('rsa-1'), 200);
    const fetchedAt = performance.now();
    published.push({ ...(await exportJWK(keys['rsa-3']!.publicKey)), kid: 'rsa-3', alg: 'RS256', use: 'sig' });
    assert.equal(await end('rsa-3'), 401, 'within 30 s of the last fetch: not fetched again');
    await new Promise((resolve) => setTimeout(resolve, 30_500 - (performance.now() - fetchedAt)));
    assert.equal(await end('rsa-3'), 200, '30 s on: fetched again, and the new key is accepted');
  });

  it('the provider out of reach: 503 auth_unavailable with Retry-After, never a token accepted unchecked', async () => {
    const unreachable = jwksUrl.replace(/:\d+\//, ':9/');
    const proxy = await proxyFor({ auth: { jwksUrl: unreachable, issuer: ISSUER } });
    const answer = await proxy.call(startBody('+918000000001', null), { headers: bearer(await signed('rsa-1')) });
    assert.equal(answer.status, 503, answer.text);
    assert.equal(answer.json.error.code, 'auth_unavailable');
    assert.ok(Number(answer.headers.get('retry-after')) > 0);
    assert.equal(proxy.upstream.simulator.requestCount, 0);
  });
});

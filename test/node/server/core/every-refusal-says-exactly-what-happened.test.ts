import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { SignJWT } from 'jose';

import { createSuperfoneProxy, type SuperfoneProxyHandler } from '../../../../src/server/core/proxy.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { freePort } from '../../../support/free-port.js';
import { API_KEY, ASHA, VIKRAM } from '../../helpers.js';

// Each refusal the proxy gives, in the words a developer or an agent reads: status, code and
// the whole message, written out by hand. Other tests check that each refusal happens; a
// mutation probe found their messages could be garbled unseen, as only fragments were matched.
const SECRET = 'whsec_test_0123456789abcdef';
const JWT_SECRET = 'a-long-random-signing-secret-for-tests-0123456789';
type ProxyName = 'notifying' | 'plain' | 'bound' | 'signedIn' | 'blocking' | 'jwksDown';
const BASE = 'http://localhost/api/superfone';

interface Case {
  name: string;
  request: () => Request | Promise<Request>;
  status: number;
  code: string;
  message: string;
  /** Which proxy answers it: with call notifications (the default), or without. */
  proxy?: ProxyName;
}

const json = (body: unknown, path = 'call', headers: Record<string, string> = {}) =>
  new Request(`${BASE}/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const delivery = (body: string, contentType = 'application/json') =>
  new Request(`${BASE}/webhook`, { method: 'POST', headers: { 'Content-Type': contentType, Authorization: `Bearer ${SECRET}` }, body });

const CASES: Case[] = [
  { name: 'a GET to the call route', request: () => new Request(`${BASE}/call`), status: 405, code: 'bad_request', message: 'Use POST to place a call (got GET).' },
  {
    name: 'a path the proxy does not serve',
    request: () => json({}, 'nowhere'),
    status: 404,
    code: 'bad_request',
    message: 'Not found; the call service is at /api/superfone/call.',
  },
  {
    name: 'a call request that is not JSON',
    request: () => new Request(`${BASE}/call`, { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'START' }),
    status: 415,
    code: 'bad_request',
    message: 'Send the call request as JSON (Content-Type: application/json).',
  },
  { name: 'broken JSON', request: () => json('{"call_action": '), status: 400, code: 'bad_request', message: 'The call request is not valid JSON.' },
  { name: 'a JSON array', request: () => json('[]'), status: 400, code: 'bad_request', message: 'The call request must be a JSON object.' },
  {
    name: 'an unknown action',
    request: () => json({ call_action: 'DIAL', customer_number: '+918000000001' }),
    status: 400,
    code: 'bad_request',
    message: 'call_action must be "START" or "END".',
  },
  {
    name: 'a number that is not a string',
    request: () => json({ call_action: 'START', customer_number: 8000000001 }),
    status: 400,
    code: 'bad_request',
    message: 'customer_number must be a string.',
  },
  {
    name: 'an agent number that is not a string',
    request: () => json({ call_action: 'START', customer_number: '+918000000001', user_number: 9876543210 }),
    status: 400,
    code: 'bad_request',
    message: 'user_number must be a string when present.',
  },
  {
    name: 'no agent named, none bound',
    request: () => json({ call_action: 'START', customer_number: '+918000000001' }),
    status: 400,
    code: 'bad_request',
    message: 'No agent number: set agent-number on the call button, or bind the agent on the server.',
  },
  {
    name: 'another agent than the one signed in',
    request: () => json({ call_action: 'START', customer_number: '+918000000001', user_number: VIKRAM }),
    status: 403,
    code: 'forbidden',
    message: 'You can only place calls from your own Superfone number.',
    proxy: 'bound',
  },
  { name: 'a GET to the webhook', request: () => new Request(`${BASE}/webhook`), status: 405, code: 'bad_request', message: 'Use POST to deliver a notification (got GET).' },
  {
    name: 'a delivery without the secret',
    request: () => new Request(`${BASE}/webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }),
    status: 401,
    code: 'unauthorized',
    message: 'This notification does not carry the shared secret.',
  },
  {
    name: 'a delivery that is not JSON',
    request: () => delivery('event=ALL_CALLS', 'application/x-www-form-urlencoded'),
    status: 415,
    code: 'bad_request',
    message: 'Send notifications as JSON (Content-Type: application/json).',
  },
  { name: 'a delivery of broken JSON', request: () => delivery('{"event":'), status: 400, code: 'bad_request', message: 'The notification is not valid JSON.' },
  { name: 'a delivery of a JSON array', request: () => delivery('[]'), status: 400, code: 'bad_request', message: 'The notification must be a JSON object.' },
  {
    name: 'a POST to a call’s status',
    request: () => json({}, 'calls/0123456789abcdef0123456789abcdef'),
    status: 405,
    code: 'bad_request',
    message: 'Use GET to follow a call (got POST).',
  },
  {
    name: 'an unknown call',
    request: () => new Request(`${BASE}/calls/0123456789abcdef0123456789abcdef`),
    status: 404,
    code: 'bad_request',
    message: 'No such call: it ended long ago, or this page never started it.',
  },
  { name: 'a GET to whoami', request: () => new Request(`${BASE}/whoami`), status: 405, code: 'bad_request', message: 'Use POST to ask who you are (got GET).' },
  { name: 'whoami with a body', request: () => json({ agent: ASHA }, 'whoami'), status: 413, code: 'bad_request', message: 'whoami takes no body.' },
  {
    name: 'a dismissal with a body',
    request: () => json({ why: 'done' }, `missed-calls/00000000-0000-4000-8000-000000000000/dismiss?agent=${encodeURIComponent(ASHA)}`),
    status: 413,
    code: 'bad_request',
    message: 'Dismissing takes no body.',
  },
  {
    name: 'a host the proxy does not answer at',
    request: () => new Request('http://crm.attacker.test/api/superfone/call', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }),
    status: 403,
    code: 'forbidden',
    message: 'This call service does not answer at crm.attacker.test. Open the CRM from its usual address, or ask your administrator to add crm.attacker.test to allowedHosts.',
  },
  {
    name: 'a page from an origin not allowed',
    request: () => json({ call_action: 'START', customer_number: '+918000000001', user_number: ASHA }, 'call', { Origin: 'https://crm.attacker.test' }),
    status: 403,
    code: 'forbidden',
    message: 'Calls from https://crm.attacker.test are not allowed. Open the CRM from its usual address.',
  },
  {
    name: 'a number the CRM blocks',
    request: () => json({ call_action: 'START', customer_number: '+918000000001', user_number: ASHA }),
    status: 403,
    code: 'forbidden',
    message: 'This number is on the do-not-call list.',
    proxy: 'blocking',
  },
  {
    name: 'a token for one agent, a session for another',
    request: async () => {
      const token = await new SignJWT({ superfone_agent: ASHA })
        .setProtectedHeader({ alg: 'HS256' })
        .setAudience('superfone-proxy')
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode(JWT_SECRET));
      return json({ call_action: 'START', customer_number: '+918000000001' }, 'call', { Authorization: `Bearer ${token}` });
    },
    status: 403,
    code: 'forbidden',
    message: 'Your sign-in token and your session name different Superfone numbers. Sign in again.',
    proxy: 'signedIn',
  },
  {
    name: 'a token while the identity provider is out of reach',
    request: () => json({ call_action: 'START', customer_number: '+918000000001' }, 'call', { Authorization: 'Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJhIn0.c2ln' }),
    status: 503,
    code: 'auth_unavailable',
    message: 'Your sign-in could not be checked just now. Try again in a moment.',
    proxy: 'jwksDown',
  },
  {
    name: 'the webhook where notifications are off',
    request: () => delivery('{}'),
    status: 404,
    code: 'bad_request',
    message: 'Not found; call notifications are not turned on here (webhookSecret).',
    proxy: 'plain',
  },
  {
    name: 'following a call where notifications are off',
    request: () => new Request(`${BASE}/calls/0123456789abcdef0123456789abcdef`),
    status: 404,
    code: 'bad_request',
    message: 'Not found; calls are followed only where call notifications are turned on (webhookSecret).',
    proxy: 'plain',
  },
];

describe('every refusal says exactly what happened', { timeout: 60_000 }, () => {
  let upstream: RunningSimulator;
  const proxies = {} as Record<ProxyName, SuperfoneProxyHandler>;

  before(async () => {
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    const common = { apiKey: API_KEY, apiBase: upstream.apiBase, path: '/api/superfone/call', log: () => {} };
    proxies.notifying = createSuperfoneProxy({ ...common, webhookSecret: SECRET });
    proxies.plain = createSuperfoneProxy(common);
    proxies.bound = createSuperfoneProxy({ ...common, authorize: () => ASHA });
    proxies.signedIn = createSuperfoneProxy({ ...common, auth: { secret: JWT_SECRET }, authorize: () => VIKRAM });
    proxies.blocking = createSuperfoneProxy({ ...common, blockNumber: () => true });
    // Nothing listens on a port just freed: the provider's keys cannot be fetched.
    proxies.jwksDown = createSuperfoneProxy({ ...common, auth: { jwksUrl: `http://127.0.0.1:${await freePort()}/keys`, issuer: 'https://login.example.test' } });
  });
  after(async () => {
    await upstream?.close();
  });

  for (const { name, request, status, code, message, proxy } of CASES) {
    it(`${name}: ${status} "${message}"`, async () => {
      const response = await proxies[proxy ?? 'notifying'](await request(), { clientAddress: '127.0.0.1' });
      const body = (await response.json()) as { error: { code: string; message: string } };
      assert.deepEqual([response.status, body.error.code, body.error.message], [status, code, message]);
      assert.equal(upstream.simulator.snapshot().requests.length, 0, 'nothing reached Superfone');
    });
  }
});

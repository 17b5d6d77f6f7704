import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';

import { SignJWT } from 'jose';

import { type RunningSimulator, startSuperfoneSimulator } from '../../src/simulator/simulator-server.js';
import { type CliProxy, startCliProxy } from '../support/cli-proxy.js';
import { installPackedTarball, type PackedProject, readmeRecipe } from '../support/packed-project.js';

// The README's recipes for minting sign-in tokens, each copied as written and run in its
// own language, judged by the packed superfone-proxy holding the same secret. Python and
// PHP come from Debian's packages (.ci/run installs python3-jwt, python3-django, php-cli):
// /usr/bin/python3 is Debian's, which has them, whatever python3 comes first on PATH.
const API_KEY = 'sf_live_SECRET_6f1c9a0b2e';
const JWT_SECRET = 'jwt_test_secret_0123456789abcdef_0123456789';
const ASHA = '+919876543210';
const VIKRAM = '+919812345678';
const PYTHON = '/usr/bin/python3';
const run = promisify(execFile);

describe('the README’s sign-in token recipes run as written, and the proxy accepts their tokens', { timeout: 120_000 }, () => {
  let packed: PackedProject;
  let upstream: RunningSimulator;
  let proxy: CliProxy;
  const env = () => ({ PATH: process.env.PATH, SUPERFONE_JWT_SECRET: JWT_SECRET, SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase });

  before(async () => {
    packed = installPackedTarball();
    upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    proxy = await startCliProxy(
      { SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase, SUPERFONE_JWT_SECRET: JWT_SECRET },
      [],
      join(packed.dir, 'node_modules/superfone-call-button/dist/server/cli/cli.js'),
    );
  });
  after(async () => {
    proxy?.child.kill();
    await upstream?.close();
    packed?.remove();
  });

  /** A START then an END with `token`, naming no agent: the token's agent places it. Returns that agent. */
  async function callsAs(token: string, customer: string): Promise<string> {
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, `a JWT: ${token}`);
    for (const action of ['START', 'END']) {
      const response = await fetch(proxy.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ customer_number: customer, call_action: action }),
        signal: AbortSignal.timeout(10_000),
      });
      assert.equal(response.status, 200, `${action}: ${await response.text()}`);
    }
    return upstream.simulator.snapshot().notifications.at(-1)!.agentNumber;
  }

  it('Node: mintAgentToken', async () => {
    const file = join(packed.dir, 'token-node.mjs');
    writeFileSync(file, readmeRecipe('token-node'));
    const { stdout } = await run(
      process.execPath,
      ['--input-type=module', '-e', `const { superfoneToken } = await import(${JSON.stringify(file)}); console.log(await superfoneToken({ superfoneNumber: '+91 98765 43210' }));`],
      { cwd: packed.dir, env: env(), timeout: 20_000 },
    );
    assert.equal(await callsAs(stdout.trim(), '+918000000021'), ASHA);
  });

  it('Python: PyJWT', async () => {
    const crm = join(packed.dir, 'crm');
    mkdirSync(crm, { recursive: true });
    writeFileSync(join(crm, '__init__.py'), '');
    writeFileSync(join(crm, 'superfone.py'), readmeRecipe('token-python'));
    const { stdout } = await run(PYTHON, ['-c', `from crm.superfone import superfone_token; print(superfone_token("${VIKRAM}"))`], {
      cwd: packed.dir,
      env: env(),
      timeout: 20_000,
    });
    assert.equal(await callsAs(stdout.trim(), '+918000000022'), VIKRAM);
  });

  it('Django: a signed-in user gets their token from the view; anyone else is sent to sign in', async () => {
    const crm = join(packed.dir, 'crm');
    mkdirSync(crm, { recursive: true });
    writeFileSync(join(crm, '__init__.py'), '');
    writeFileSync(join(crm, 'superfone.py'), readmeRecipe('token-python'));
    writeFileSync(join(crm, 'views.py'), readmeRecipe('token-django'));
    writeFileSync(join(crm, 'urls.py'), 'urlpatterns = []\n');
    // A minimal Django: settings in code, a request as Django's RequestFactory makes it, a user with the number on its profile.
    const script = `
import django
from django.conf import settings
settings.configure(INSTALLED_APPS=["django.contrib.auth", "django.contrib.contenttypes"], DATABASES={}, ROOT_URLCONF="crm.urls", LOGIN_URL="/login/", ALLOWED_HOSTS=["testserver"], SECRET_KEY="test-only-django-key")
django.setup()
from types import SimpleNamespace
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from crm.views import superfone_token_view
request = RequestFactory().get("/crm/superfone-token")
request.user = AnonymousUser()
print(superfone_token_view(request).status_code)
request.user = SimpleNamespace(is_authenticated=True, profile=SimpleNamespace(superfone_number="${ASHA}"))
print(superfone_token_view(request).content.decode())
`;
    const { stdout } = await run(PYTHON, ['-c', script], { cwd: packed.dir, env: env(), timeout: 30_000 });
    const [anonymous, token] = stdout.trim().split('\n');
    assert.equal(anonymous, '302', 'not signed in: sent to sign in');
    assert.equal(await callsAs(token!, '+918000000023'), ASHA);
  });

  it('PHP: nothing to install', async () => {
    const file = join(packed.dir, 'token.php');
    writeFileSync(file, readmeRecipe('token-php'));
    const { stdout } = await run('php', ['-r', `require ${JSON.stringify(file)}; echo superfone_token("${VIKRAM}");`], { cwd: packed.dir, env: env(), timeout: 20_000 });
    assert.equal(await callsAs(stdout.trim(), '+918000000024'), VIKRAM);
  });

  it('a Fetch handler with auth: a token made by jose calls; no token gets 401', async () => {
    const file = join(packed.dir, 'token-fetch.mjs');
    writeFileSync(file, readmeRecipe('token-fetch'));
    const token = await new SignJWT({ superfone_agent: ASHA })
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience('superfone-proxy')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(JWT_SECRET));
    const script = `const { handleCall } = await import(${JSON.stringify(file)});
      const send = (headers) => handleCall(new Request('http://localhost/api/superfone/call', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify({ customer_number: '+918000000025', call_action: 'END' }) }), { clientAddress: '127.0.0.1' }).then((response) => response.status);
      console.log(await send({}), await send({ Authorization: 'Bearer ${token}' }));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: packed.dir, env: env(), timeout: 20_000 });
    assert.equal(stdout.trim(), '401 200');
  });
});

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { describe, it } from 'node:test';

import { cliProxyForSuite, proxiesPerTest, startBody } from '../../helpers.js';

const CRM = 'https://crm.example.com';

describe('the proxy serves only the hosts it is reached by (DNS rebinding)', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('a rebound page (Host and Origin its own name, Sec-Fetch-Site same-origin) is refused 403 and Superfone is never called', async () => {
    const proxy = await proxyFor();
    const answer = await proxy.call(startBody(), {
      headers: { Host: 'attacker.test:8787', Origin: 'http://attacker.test:8787', 'Sec-Fetch-Site': 'same-origin' },
    });
    assert.equal(answer.status, 403);
    assert.equal(answer.json.error.code, 'forbidden');
    assert.match(answer.json.error.message, /does not answer at attacker\.test.*allowedHosts/);
    assert.equal(proxy.upstream.simulator.requestCount, 0);
  });

  it('refused before anything else: no preflight, no 405, no body read', async () => {
    const proxy = await proxyFor({ allowedOrigins: [CRM] });
    const preflight = await proxy.call(undefined, { method: 'OPTIONS', headers: { Host: 'attacker.test', Origin: CRM } });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.equal((await proxy.call(undefined, { method: 'GET', headers: { Host: 'attacker.test' } })).status, 403);
    assert.equal((await proxy.call(undefined, { rawBody: 'not json', headers: { Host: 'attacker.test' } })).status, 403);
  });

  for (const host of ['localhost', 'localhost:5173', 'app.localhost', '127.0.0.1:8787', '127.1.2.3', '[::1]:8787', 'LOCALHOST.']) {
    it(`loopback names are served: Host ${host}`, async () => {
      const proxy = await proxyFor();
      assert.equal((await proxy.call(startBody(), { headers: { Host: host } })).status, 200);
    });
  }

  it('the hosts of allowed origins are served, and listed hosts (.example.com takes every subdomain)', async () => {
    const proxy = await proxyFor({ allowedOrigins: [CRM], allowedHosts: ['proxy.internal', '.example.org'] });
    const served = ['crm.example.com', 'proxy.internal:8443', 'example.org', 'calls.eu.example.org'];
    const refused = ['example.com', 'api.example.com', 'proxy.internal.evil.test', 'evilexample.org'];
    for (const [index, host] of served.entries()) {
      const answer = await proxy.call({ ...startBody(`+91984500010${index}`), call_action: 'END' }, { headers: { Host: host } });
      assert.equal(answer.status, 200, host);
    }
    for (const host of refused) {
      assert.equal((await proxy.call({ ...startBody(), call_action: 'END' }, { headers: { Host: host } })).status, 403, host);
    }
  });

  it('"same origin" is decided against allowed hosts only, whatever Sec-Fetch-Site says', async () => {
    const proxy = await proxyFor({ allowedHosts: ['crm.internal'] });
    const own = await proxy.call(startBody(), { headers: { Host: 'crm.internal', Origin: 'https://crm.internal', 'Sec-Fetch-Site': 'same-origin' } });
    assert.equal(own.status, 200);
    const stranger = await proxy.call(startBody('+919845012345'), {
      headers: { Host: 'crm.internal', Origin: 'https://attacker.test', 'Sec-Fetch-Site': 'same-origin' },
    });
    assert.equal(stranger.status, 403);
    assert.equal(proxy.upstream.simulator.requestCount, 1);
  });

  it('a malformed Host is a 400', async () => {
    const proxy = await proxyFor();
    for (const host of ['a b', 'evil.test/x', 'x:99999', '[zz]']) {
      const answer = await proxy.call(startBody(), { headers: { Host: host } });
      assert.equal(answer.status, 400, host);
      assert.match(answer.json.error.message, /Host header is malformed/);
    }
    assert.equal(proxy.upstream.simulator.requestCount, 0);
  });

  it('rejects wildcards, schemes, ports and paths in its configuration', async () => {
    for (const host of ['*', '*.example.com', 'https://crm.example.com', 'crm.example.com:443', 'crm.example.com/x', '']) {
      await assert.rejects(proxyFor({ allowedHosts: [host] }), /allowedHosts/, host);
    }
  });
});

describe('the CLI refuses rebound hosts too', { timeout: 30_000 }, () => {
  const cli = cliProxyForSuite({ SUPERFONE_ALLOWED_HOSTS: 'crm.internal' });

  /** node:http, because fetch sets Host itself. */
  function post(host: string, headers: Record<string, string> = {}, path = '/api/superfone/call'): Promise<number> {
    const body = JSON.stringify(startBody('+919845000201'));
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port: cli.proxy.port, path, method: 'POST', headers: { Host: host, 'Content-Type': 'application/json', ...headers }, timeout: 5_000 },
        (response) => {
          response.resume();
          resolve(response.statusCode!);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }

  it('the rebinding request gets 403, and is logged with its client address and origin', async () => {
    assert.equal(await post('attacker.test:8787', { Origin: 'http://attacker.test:8787', 'Sec-Fetch-Site': 'same-origin' }), 403);
    assert.equal(await post('attacker.test:8787', {}, '/elsewhere'), 403, 'even where it would be a 404');
    assert.equal(cli.upstream.simulator.requestCount, 0);
    const line = cli.proxy
      .output()
      .split('\n')
      .find((text) => text.includes('"origin":"http://attacker.test:8787"'));
    assert.ok(line, cli.proxy.output());
    assert.deepEqual((({ outcome, status, client }) => ({ outcome, status, client }))(JSON.parse(line)), { outcome: 'forbidden', status: 403, client: '127.0.0.1' });
  });

  it('SUPERFONE_ALLOWED_HOSTS adds a host', async () => {
    assert.equal(await post('crm.internal'), 200);
  });

  it('a bad SUPERFONE_ALLOWED_HOSTS is one line on stderr and exit 2', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/server/cli/cli.ts', '--simulate'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, SUPERFONE_ALLOWED_HOSTS: '*.example.com' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^superfone-proxy: allowedHosts: "\*\.example\.com" is not a host name/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  });
});

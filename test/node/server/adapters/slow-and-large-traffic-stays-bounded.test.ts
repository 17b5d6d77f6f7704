import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { rawExchange } from '../../../support/raw-http.js';
import { cliProxyForSuite, proxiesPerTest, startBody } from '../../helpers.js';

const HEAD = 'POST /api/superfone/call HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n';

describe('slow and large traffic cannot hold the proxy’s memory', { timeout: 60_000 }, () => {
  const cli = cliProxyForSuite({ SUPERFONE_REQUEST_TIMEOUT_MS: '600' });

  it('a body declared larger than the limit is refused at once, before it is sent', async () => {
    // The client sends 100 of its 60,000 bytes and waits: the answer must not wait for the rest.
    const exchange = await rawExchange(cli.proxy.port, `${HEAD}Content-Length: 60000\r\n\r\n${'x'.repeat(100)}`, { endAfterWrite: false, waitMs: 3_000 });
    assert.deepEqual(exchange.statuses, [413], exchange.text);
    assert.ok(exchange.closed, 'and the connection is closed');
    assert.ok(exchange.elapsedMs < 2_000, `answered in ${exchange.elapsedMs.toFixed(0)} ms, not after the body`);
    assert.match(exchange.text, /larger than 4096 bytes/);
  });

  it('a chunked body is read only up to the limit, then refused while the client is still sending', async () => {
    const chunk = `3e8\r\n${'x'.repeat(1000)}\r\n`;
    const exchange = await rawExchange(cli.proxy.port, `${HEAD}Transfer-Encoding: chunked\r\n\r\n${chunk.repeat(5)}`, { endAfterWrite: false, waitMs: 3_000 });
    assert.deepEqual(exchange.statuses, [413], exchange.text);
    assert.ok(exchange.elapsedMs < 2_000, `answered in ${exchange.elapsedMs.toFixed(0)} ms, not after the body`);
  });

  it('a client that sends its headers slowly is cut off after the request timeout with 408', async () => {
    const exchange = await rawExchange(cli.proxy.port, 'POST /api/superfone/call HTTP/1.1\r\nHost: 127.0.0.1\r\n', { endAfterWrite: false, waitMs: 5_000 });
    assert.deepEqual(exchange.statuses, [408]);
    assert.ok(exchange.closed);
    assert.ok(exchange.elapsedMs < 3_000, `cut off after ${exchange.elapsedMs.toFixed(0)} ms (Node's default would wait 300 s)`);
    assert.match(exchange.text, /x-content-type-options: nosniff/i);
  });

  it('a client that sends its body slowly is cut off too', async () => {
    const exchange = await rawExchange(cli.proxy.port, `${HEAD}Content-Length: 100\r\n\r\n{"customer`, { endAfterWrite: false, waitMs: 5_000 });
    assert.ok(exchange.closed);
    assert.ok(exchange.elapsedMs < 3_000, `cut off after ${exchange.elapsedMs.toFixed(0)} ms`);
  });

  it('the process is still serving', async () => {
    const response = await fetch(cli.proxy.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody()) });
    assert.equal(response.status, 200);
  });
});

describe('Superfone’s answer is read with a size cap', { timeout: 30_000 }, () => {
  const proxyFor = proxiesPerTest();

  it('a 50 MB answer, valid JSON and all, is refused as unreadable without being read whole', async () => {
    const proxy = await proxyFor({ timeoutMs: 10_000 });
    proxy.upstream.simulator.setFault({ kind: 'huge-body', bytes: 50_000_000 }, 1);
    const startedAt = performance.now();
    const answer = await proxy.call(startBody());
    assert.equal(answer.status, 502);
    assert.equal(answer.json.error.code, 'upstream_error');
    assert.match(answer.json.error.message, /an answer it could not read/);
    assert.ok(performance.now() - startedAt < 5_000);
  });

  it('the cap is the README’s 64 KiB: a valid 60,000-byte answer is read, a 70,000-byte one refused', async () => {
    const proxy = await proxyFor({ rateLimits: false });
    proxy.upstream.simulator.setFault({ kind: 'huge-body', bytes: 60_000 }, 1);
    const under = await proxy.call(startBody());
    assert.equal(under.status, 200, JSON.stringify(under.json));
    assert.equal((await proxy.call({ ...startBody(), call_action: 'END' })).status, 200);
    proxy.upstream.simulator.setFault({ kind: 'huge-body', bytes: 70_000 }, 1);
    const over = await proxy.call(startBody());
    assert.equal(over.status, 502);
    assert.equal(over.json.error.code, 'upstream_error');
  });
});

describe('Superfone’s answer is read with a size cap on Node’s own transport (the CLI)', { timeout: 30_000 }, () => {
  const cli = cliProxyForSuite();

  it('a 50 MB answer is refused as unreadable, quickly, and the proxy serves on', async () => {
    cli.upstream.simulator.setFault({ kind: 'huge-body', bytes: 50_000_000 }, 1);
    const startedAt = performance.now();
    const response = await fetch(cli.proxy.url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(startBody('+918000000071')) });
    const body = await response.json();
    assert.equal(response.status, 502);
    assert.equal(body.error.code, 'upstream_error');
    assert.ok(performance.now() - startedAt < 5_000);
    const next = await fetch(cli.proxy.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...startBody('+918000000071'), call_action: 'END' }),
    });
    assert.equal(next.status, 200);
  });
});

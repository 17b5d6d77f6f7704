import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';

import express from 'express';
import { createServer as createViteServer } from 'vite';

import { toNodeListener } from '../../../../src/server/adapters/node-adapter.js';
import { superfoneListener, superfoneMiddleware } from '../../../../src/server/adapters/node-proxy.js';
import { superfoneVitePlugin } from '../../../../src/server/adapters/vite-plugin.js';
import { createSuperfoneProxy } from '../../../../src/server/core/proxy.js';
import { SIMULATOR_CONTROL_PATH, SuperfoneSimulator } from '../../../../src/simulator/index.js';
import { createSimulatorListener, SIMULATOR_API_PREFIX, startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { API_KEY, assertNoKey, startBody } from '../../helpers.js';

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function post(url: string, body: unknown) {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  assertNoKey([text, JSON.stringify([...response.headers])]);
  return { status: response.status, json: JSON.parse(text) };
}

describe('adapters serve the one Fetch handler', async () => {
  const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
  const options = { apiKey: API_KEY, apiBase: upstream.apiBase };
  const servers: Server[] = [];
  after(async () => {
    for (const server of servers) server.close();
    await upstream.close();
  });

  it('node:http through toNodeListener', async () => {
    const server = createServer(toNodeListener(createSuperfoneProxy(options)));
    servers.push(server);
    const base = await listen(server);
    const answer = await post(base, startBody('+918000000001'));
    assert.equal(answer.status, 200);
    assert.equal(answer.json.data.sentSuccess, true);
    const refused = await fetch(base, { method: 'PUT' });
    assert.equal(refused.status, 405);
    assert.equal(refused.headers.get('allow'), 'POST');
  });

  it('the Node adapters reach Superfone over a kept-alive connection: calls one after another share one', async () => {
    // Superfone as a real server of our own, to count the proxy's connections to it.
    const simulator = new SuperfoneSimulator({ apiKey: API_KEY });
    const superfone = createServer(createSimulatorListener(simulator));
    let connections = 0;
    superfone.on('connection', () => connections++);
    const proxy = createServer(superfoneListener({ apiKey: API_KEY, apiBase: (await listen(superfone)) + SIMULATOR_API_PREFIX, rateLimits: false }));
    try {
      const base = await listen(proxy);
      for (const action of ['START', 'END', 'START', 'END']) {
        const { status } = await post(`${base}/api/superfone/call`, { ...startBody('+918000000001'), call_action: action });
        assert.equal(status, 200, action);
      }
      assert.equal(simulator.requestCount, 4);
      assert.equal(connections, 1, 'four requests, one connection');
    } finally {
      proxy.closeAllConnections();
      proxy.close();
      superfone.closeAllConnections();
      superfone.close();
    }
  });

  it('Express, mounted at a path', async () => {
    const app = express();
    app.use('/api/superfone/call', superfoneMiddleware(options));
    const server = createServer(app);
    servers.push(server);
    const base = await listen(server);
    const answer = await post(`${base}/api/superfone/call`, { ...startBody('+918000000002'), call_action: 'END' });
    assert.equal(answer.status, 200);
    assert.equal((await fetch(`${base}/elsewhere`)).status, 404, 'other paths are left to Express');
  });

  it('Express with express.json() in front still sees the body and still validates it', async () => {
    const app = express();
    app.use(express.json());
    app.use('/api/superfone/call', superfoneMiddleware(options));
    const server = createServer(app);
    servers.push(server);
    const base = await listen(server);
    assert.equal((await post(`${base}/api/superfone/call`, { ...startBody('+918000000003'), call_action: 'END' })).status, 200);
    const bad = await post(`${base}/api/superfone/call`, startBody('12345'));
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'invalid_number');
  });

  it('Vite’s dev server through the plugin, with the simulator as upstream', async () => {
    const vite = await createViteServer({
      configFile: false,
      root: process.cwd(),
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1' },
      plugins: [superfoneVitePlugin({ simulate: true })],
    });
    await vite.listen();
    try {
      const base = `http://127.0.0.1:${(vite.httpServer!.address() as AddressInfo).port}`;
      const answer = await post(`${base}/api/superfone/call`, startBody('+918000000001'));
      assert.equal(answer.status, 200);
      const state = (await (await fetch(`${base}${SIMULATOR_CONTROL_PATH}/state`)).json()) as any;
      assert.equal(state.notifications.length, 1);
      assert.equal(state.agents[0].activeCall, '+918000000001');
    } finally {
      await vite.close();
    }
  });
});

describe('superfoneMiddleware({ simulate: true }) runs the simulator inside your own server', () => {
  it('places a call against the simulator’s agents, with no key and no network', async () => {
    const app = express();
    const middleware = superfoneMiddleware({ simulate: true });
    app.use('/api/superfone/call', middleware);
    const server = createServer(app);
    try {
      const base = await listen(server);
      const answer = await post(`${base}/api/superfone/call`, startBody('+918000000001', '+919876543210'));
      assert.equal(answer.status, 200);
      assert.equal(answer.json.data.sentSuccess, true);
      const offline = await post(`${base}/api/superfone/call`, startBody('+918000000002', '+919900011122'));
      assert.equal(offline.json.error.code, 'notification_failed', 'the agent whose app is offline');
    } finally {
      server.closeAllConnections();
      server.close();
      await middleware.close();
    }
  });
});

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before } from 'node:test';

import { superfoneListener } from '../../src/server/adapters/node-proxy.js';
import { createSuperfoneProxy, type PlatformInfo, type ProxyLogEntry, type SuperfoneProxyHandler, type SuperfoneProxyOptions } from '../../src/server/core/proxy.js';
import type { SimulatorOptions } from '../../src/simulator/simulator.js';
import { type RunningSimulator, startSuperfoneSimulator } from '../../src/simulator/simulator-server.js';
import { type CliProxy, startCliProxy } from '../support/cli-proxy.js';

export const ASHA = '+919876543210';
export const VIKRAM = '+919812345678';
export const MEERA_OFFLINE = '+919900011122';
/** Distinctive, so a leak anywhere is easy to find. */
export const API_KEY = 'sf_live_SECRET_6f1c9a0b2e';

export interface ProxyUnderTest {
  upstream: RunningSimulator;
  handler: SuperfoneProxyHandler;
  logs: ProxyLogEntry[];
  /** Every byte the proxy let out, to search for the key. */
  emitted: string[];
  /** Sends one request to the handler, from 127.0.0.1 unless `platform` says otherwise. */
  call(body: unknown, init?: { method?: string; headers?: Record<string, string>; rawBody?: string; platform?: PlatformInfo }): Promise<CallAnswer>;
  close(): Promise<void>;
}

export interface CallAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** The real proxy in front of a real simulator on loopback. */
export async function startProxy(options: Partial<SuperfoneProxyOptions> = {}, simulatorOptions: SimulatorOptions = {}): Promise<ProxyUnderTest> {
  const upstream = await startSuperfoneSimulator({ apiKey: API_KEY, ...simulatorOptions });
  const logs: ProxyLogEntry[] = [];
  const emitted: string[] = [];
  let handler: SuperfoneProxyHandler;
  try {
    handler = createSuperfoneProxy({
      apiKey: API_KEY,
      apiBase: upstream.apiBase,
      timeoutMs: 1_000,
      log: (entry) => {
        logs.push(entry);
        emitted.push(JSON.stringify(entry));
      },
      ...options,
    });
  } catch (error) {
    await upstream.close();
    throw error;
  }
  return {
    upstream,
    handler,
    logs,
    emitted,
    async call(body, init = {}) {
      const request = new Request('http://localhost/api/superfone/call', {
        method: init.method ?? 'POST',
        headers: { 'Content-Type': 'application/json', ...init.headers },
        body: init.method === 'GET' || init.method === 'HEAD' ? undefined : (init.rawBody ?? JSON.stringify(body)),
      });
      const response = await handler(request, init.platform ?? { clientAddress: '127.0.0.1' });
      const text = await response.text();
      emitted.push(text, JSON.stringify([...response.headers]));
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: response.status, headers: response.headers, text, json };
    },
    close: () => upstream.close(),
  };
}

export function assertNoKey(texts: string[], key = API_KEY): void {
  for (const text of texts) assert.ok(!text.includes(key), `the API key leaked into: ${text.slice(0, 200)}`);
}

export function startBody(customerNumber = '+918000000001', agentNumber: string | null = ASHA) {
  return { customer_number: customerNumber, ...(agentNumber ? { user_number: agentNumber } : {}), call_action: 'START' };
}

/**
 * For suites that make a fresh proxy per test: returns the maker, and after each test checks
 * that nothing the proxies emitted holds the key, then closes them.
 */
export function proxiesPerTest(): (...args: Parameters<typeof startProxy>) => Promise<ProxyUnderTest> {
  const started: ProxyUnderTest[] = [];
  afterEach(async () => {
    const proxies = started.splice(0);
    // Closed before anything is asserted, so a leak fails the test instead of hanging the run.
    await Promise.all(proxies.map((proxy) => proxy.close()));
    for (const proxy of proxies) assertNoKey(proxy.emitted);
  });
  return async (...args) => {
    const proxy = await startProxy(...args);
    started.push(proxy);
    return proxy;
  };
}

/**
 * For suites against `superfone-proxy` in its own process, in front of a real simulator:
 * both start before the suite and stop after it, and the CLI's output is checked for the key.
 */
export function cliProxyForSuite(env: Record<string, string> = {}): { upstream: RunningSimulator; proxy: CliProxy } {
  const running = {} as { upstream: RunningSimulator; proxy: CliProxy };
  before(async () => {
    running.upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    running.proxy = await startCliProxy({ SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: running.upstream.apiBase, ...env });
  });
  after(async () => {
    running.proxy?.child.kill();
    await running.upstream?.close();
    if (running.proxy) assertNoKey([running.proxy.output()]);
  });
  return running;
}

export interface HttpProxyUnderTest {
  upstream: RunningSimulator;
  /** `http://127.0.0.1:<port>/api/superfone/` */
  base: string;
  logs: ProxyLogEntry[];
  close(): Promise<void>;
}

/** The real proxy on a real node:http server on loopback, in front of a real simulator: for streams. */
export async function startHttpProxy(options: Partial<SuperfoneProxyOptions> = {}, simulatorOptions: SimulatorOptions = {}): Promise<HttpProxyUnderTest> {
  const upstream = await startSuperfoneSimulator({ apiKey: API_KEY, ...simulatorOptions });
  const logs: ProxyLogEntry[] = [];
  const server = createServer(
    superfoneListener({ apiKey: API_KEY, apiBase: upstream.apiBase, path: '/api/superfone/call', timeoutMs: 1_000, log: (entry) => logs.push(entry), ...options }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    upstream,
    base: `http://127.0.0.1:${port}/api/superfone/`,
    logs,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await upstream.close();
      assertNoKey(logs.map((entry) => JSON.stringify(entry)));
    },
  };
}

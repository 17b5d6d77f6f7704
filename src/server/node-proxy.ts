import type { IncomingMessage, ServerResponse } from 'node:http';
import { startSuperfoneSimulator, type RunningSimulator } from '../simulator/simulator-server.js';
import type { SimulatorOptions } from '../simulator/simulator.js';
import { toNodeListener, type NodeListener } from './node-adapter.js';
import { nodeUpstream } from './node-upstream.js';
import { createProxy, type SuperfoneProxyOptions } from './proxy.js';

export type ConnectMiddleware = ((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void) & {
  /** Stops the simulator, when there is one. */
  close(): Promise<void>;
};

/**
 * The proxy's options, or, with `simulate`, the same without a key: a simulator on
 * loopback stands in for Superfone (its agents: +919876543210 and +919812345678, and
 * +919900011122 whose app is offline).
 */
export type SuperfoneServerOptions =
  | ({ simulate?: false } & SuperfoneProxyOptions)
  | ({ simulate: true | SimulatorOptions } & Omit<SuperfoneProxyOptions, 'apiKey' | 'apiBase'>);

/** The proxy's options with the simulator started, when asked for. */
export async function withUpstream(options: SuperfoneServerOptions): Promise<{ proxyOptions: SuperfoneProxyOptions; simulator?: RunningSimulator }> {
  if (!options.simulate) return { proxyOptions: options };
  const { simulate, ...rest } = options;
  const simulator = await startSuperfoneSimulator(simulate === true ? {} : simulate);
  return { proxyOptions: { ...rest, apiKey: simulator.simulator.apiKey, apiBase: simulator.apiBase }, simulator };
}

/** The proxy as a node:http listener: each route reads a body only when it needs one, and no more than its own limit. */
export function superfoneListener(options: SuperfoneProxyOptions): NodeListener {
  return toNodeListener(createProxy(options, nodeUpstream()), { log: options.log });
}

/**
 * connect/Express middleware for the proxy. Mount it at the proxy's path:
 * `app.use('/api/superfone/call', superfoneMiddleware({ apiKey }))`, or in development
 * `superfoneMiddleware({ simulate: true })`. It answers every request that reaches it.
 */
export function superfoneMiddleware(options: SuperfoneServerOptions): ConnectMiddleware {
  // Bad options fail here, at start-up; a simulator starts in the background.
  const ready = options.simulate
    ? withUpstream(options).then(({ proxyOptions, simulator }) => ({ listener: superfoneListener(proxyOptions), simulator }))
    : Promise.resolve({ listener: superfoneListener(options), simulator: undefined });
  const middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    ready.then(({ listener }) => listener(req, res)).catch(next);
  };
  return Object.assign(middleware, { close: async () => void (await (await ready).simulator?.close()) });
}

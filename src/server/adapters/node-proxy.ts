import type { IncomingMessage, ServerResponse } from 'node:http';

// Types only: the simulator is loaded when `simulate` asks for it, never by a production server.
import type { SimulatedUpstream } from '../../simulator/simulated-upstream.js';
import type { SimulatorOptions } from '../../simulator/simulator.js';
import { checkProxyOptions, createSuperfoneProxy, type ProxyPlatform, type SuperfoneProxyOptions, webhookPath } from '../core/index.js';
import { type NodeListener, toNodeListener } from './node-adapter.js';
import { nodeResponse } from './node-response.js';
import { nodeUpstream } from './node-upstream.js';

/** On Node, Superfone is reached through node:http, and answers are written to it in parts. */
const nodePlatform = (): ProxyPlatform => ({ upstream: nodeUpstream(), respond: nodeResponse });

export type ConnectMiddleware = ((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void) & {
  /** Stops the simulator, when there is one. */
  close(): Promise<void>;
};

/**
 * The proxy's options, or, with `simulate`, the same without a key: a simulator on
 * loopback stands in for Superfone (its agents: +919876543210 and +919812345678, and
 * +919900011122 whose app is offline).
 */
export type SuperfoneServerOptions = ({ simulate?: false } & SuperfoneProxyOptions) | ({ simulate: true | SimulatorOptions } & Omit<SuperfoneProxyOptions, 'apiKey' | 'apiBase'>);

/** The proxy's options with a simulated Superfone started, when `simulate` asks for one. */
export async function withUpstream(options: SuperfoneServerOptions): Promise<{ proxyOptions: SuperfoneProxyOptions; simulated?: SimulatedUpstream }> {
  if (!options.simulate) return { proxyOptions: options };
  const { simulate: simulatorOptions, ...rest } = options;
  const { simulate } = await import('../../simulator/simulated-upstream.js');
  const simulated = await simulate({ simulator: simulatorOptions === true ? {} : simulatorOptions, webhookSecret: rest.webhookSecret });
  return { proxyOptions: { ...rest, ...simulated.proxyOptions }, simulated };
}

export type SuperfoneListener = NodeListener & {
  /** Stops the simulator, when there is one. */
  close(): Promise<void>;
};

/** The address a request reached this server at, as a loopback-or-own URL the simulator can post to. */
function ownOrigin(req: IncomingMessage): string {
  const local = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  return `http://${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort}`;
}

/**
 * With `simulate`, the simulated calls are reported to this same
 * proxy's webhook, found from the first call request it serves (its address and path, as
 * the client reached it), so a page in your own server hears how its calls ended.
 */
function reportSimulatedCallsHere(simulated: SimulatedUpstream): (req: IncomingMessage) => void {
  let wired = false;
  return (req) => {
    if (wired || req.method !== 'POST') return;
    // Express strips its mount path from `url`; `originalUrl` keeps the path the client used.
    const path = new URL((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/', 'http://here').pathname;
    if (/\/(webhook|calls\/.*)$/.test(path)) return;
    wired = true;
    simulated.reportTo(ownOrigin(req) + webhookPath(path));
  };
}

/**
 * The proxy as a node:http listener: each route reads a body only when it needs one, and no
 * more than its own limit. With `simulate`, a simulator on loopback stands in for Superfone
 * (no key needed), and its calls are reported back to this proxy (to `webhookSecret`, or one
 * made up for the purpose).
 */
export function superfoneListener(options: SuperfoneServerOptions): SuperfoneListener {
  if (!options.simulate) {
    const listener = toNodeListener(createSuperfoneProxy(options, nodePlatform()), { log: options.log });
    return Object.assign(listener, { close: async () => {} });
  }
  // Bad options fail here, at start-up, as without the simulator; it starts in the background.
  checkProxyOptions(options, { keyRequired: false });
  const ready = withUpstream(options).then(({ proxyOptions, simulated }) => ({
    listener: toNodeListener(createSuperfoneProxy(proxyOptions, nodePlatform()), { log: proxyOptions.log }),
    simulated: simulated!,
    report: reportSimulatedCallsHere(simulated!),
  }));
  const listener = async (req: IncomingMessage, res: ServerResponse) => {
    const { listener, report } = await ready;
    report(req);
    await listener(req, res);
  };
  return Object.assign(listener, { close: async () => void (await (await ready).simulated.close()) });
}

/**
 * connect/Express middleware for the proxy. Mount it at the proxy's path:
 * `app.use('/api/superfone/call', superfoneMiddleware({ apiKey }))`, or in development
 * `superfoneMiddleware({ simulate: true })`. It answers every request that reaches it.
 */
export function superfoneMiddleware(options: SuperfoneServerOptions): ConnectMiddleware {
  const listener = superfoneListener(options);
  const middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    listener(req, res).catch(next);
  };
  return Object.assign(middleware, { close: listener.close });
}

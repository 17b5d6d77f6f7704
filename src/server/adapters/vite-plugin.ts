import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Connect, Plugin } from 'vite';

import { mounts, targetPath } from '../../shared/mounts.js';
import { DEFAULT_PROXY_PATH } from '../../shared/protocol.js';
import { SIMULATOR_CONTROL_PATH } from '../../shared/simulator-paths.js';
import type { SimulatedUpstream } from '../../simulator/simulated-upstream.js';
import { webhookPath } from '../core/index.js';
import { superfoneListener, type SuperfoneServerOptions, withUpstream } from './node-proxy.js';

/** The Node entries' options; `path` (where pages post calls) defaults to `/api/superfone/call`. */
export type SuperfoneVitePluginOptions = SuperfoneServerOptions;

interface ServerLike {
  middlewares: Connect.Server;
  httpServer: {
    once(event: 'close' | 'listening', listener: () => void): unknown;
    address(): AddressInfo | string | null;
    readonly listening: boolean;
  } | null;
}

/** A loopback URL for the server's own address, whatever interface it listens on. */
function loopbackOrigin(address: AddressInfo): string {
  const host = address.family === 'IPv6' || address.address.includes(':') ? '[::1]' : '127.0.0.1';
  return `http://${host}:${address.port}`;
}

/** In simulate mode, the simulated calls report to this server's own webhook. */
function reportCallsToThisServer(server: ServerLike, simulated: SimulatedUpstream, webhookPath: string): void {
  const http = server.httpServer;
  if (!http) return;
  const wire = () => {
    const address = http.address();
    if (!address || typeof address === 'string') return;
    simulated.reportTo(loopbackOrigin(address) + webhookPath);
  };
  if (http.listening) wire();
  else http.once('listening', wire);
}

/**
 * Mounts the proxy on Vite's dev and preview servers at `path` (default
 * `/api/superfone/call`), with its other routes beside it (`…/webhook`, `…/calls/<id>`).
 * With `simulate`, a simulator on loopback stands in for Superfone and its state is
 * readable at `/__superfone-simulator/state` (as on the simulator's own server), and the simulated calls are reported to this
 * server (with `webhookSecret`, or one made up), so pages see calls end as in production.
 */
export function superfoneVitePlugin(options: SuperfoneVitePluginOptions): Plugin {
  const { path = DEFAULT_PROXY_PATH, ...serverOptions } = options;
  async function mount(server: ServerLike) {
    const { proxyOptions, simulated } = await withUpstream(serverOptions as SuperfoneServerOptions);
    // The proxy takes its calls' folder, so the routes beside them are served too; at the
    // site's root that would take every path from Vite, so there only the calls' path.
    const folder = path.replace(/\/[^/]*$/, '');
    const routes: [string, (req: IncomingMessage, res: ServerResponse) => unknown][] = [[folder || path, superfoneListener({ ...proxyOptions, path })]];
    if (simulated) {
      const { createSimulatorControlListener } = await import('../../simulator/simulator-server.js');
      routes.push([SIMULATOR_CONTROL_PATH, createSimulatorControlListener(simulated.running.simulator)]);
      reportCallsToThisServer(server, simulated, webhookPath(path));
    }
    const route = mounts(routes);
    // Mounted at the root: each listener sees the path the page asked for, as on any other server.
    server.middlewares.use((req, res, next) => {
      const listener = route(targetPath(req.url));
      if (listener) void listener(req, res);
      else next();
    });
    server.httpServer?.once('close', () => void simulated?.close());
  }

  return {
    name: 'superfone-proxy',
    configureServer: mount,
    configurePreviewServer: mount,
  };
}

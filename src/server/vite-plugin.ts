import type { Connect, Plugin } from 'vite';
import { DEFAULT_PROXY_PATH } from '../shared/protocol.js';
import { createSimulatorControlHandler } from '../simulator/control-handler.js';
import { startSuperfoneSimulator, type RunningSimulator } from '../simulator/simulator-server.js';
import type { SimulatorOptions } from '../simulator/simulator.js';
import { superfoneMiddleware, toNodeListener } from './node-adapter.js';
import type { SuperfoneProxyOptions } from './proxy.js';

/** Where the simulator's state and faults are served on the dev server in simulate mode. */
export const DEV_SIMULATOR_PATH = '/__superfone-simulator';

export type SuperfoneVitePluginOptions =
  | ({ simulate?: false; path?: string } & SuperfoneProxyOptions)
  | ({ simulate: true | SimulatorOptions; path?: string } & Omit<SuperfoneProxyOptions, 'apiKey' | 'apiBase'>);

/**
 * Mounts the proxy on Vite's dev and preview servers at `path` (default
 * `/api/superfone/call`). With `simulate`, a simulator on loopback stands in for Superfone
 * and its state is readable at `/__superfone-simulator/state`.
 */
export function superfoneProxy(options: SuperfoneVitePluginOptions): Plugin {
  const path = options.path ?? DEFAULT_PROXY_PATH;
  let running: RunningSimulator | undefined;

  async function mount(server: { middlewares: Connect.Server; httpServer: { once(event: 'close', listener: () => void): unknown } | null }) {
    let proxyOptions: SuperfoneProxyOptions;
    if (options.simulate) {
      running = await startSuperfoneSimulator(options.simulate === true ? {} : options.simulate);
      proxyOptions = { ...options, apiKey: running.simulator.apiKey, apiBase: running.apiBase };
      const control = toNodeListener(createSimulatorControlHandler(running.simulator, DEV_SIMULATOR_PATH));
      server.middlewares.use(DEV_SIMULATOR_PATH, (req, res) => {
        // connect strips the mount path; the control handler expects it.
        req.url = DEV_SIMULATOR_PATH + req.url;
        void control(req, res);
      });
    } else {
      proxyOptions = options;
    }
    server.middlewares.use(path, superfoneMiddleware(proxyOptions));
    server.httpServer?.once('close', () => void running?.close());
  }

  return {
    name: 'superfone-proxy',
    configureServer: mount,
    configurePreviewServer: mount,
  };
}

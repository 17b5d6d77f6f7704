import type { Connect, Plugin } from 'vite';
import { DEFAULT_PROXY_PATH } from '../protocol.js';
import { createSimulatorControlHandler } from '../simulator/control-handler.js';
import { startSuperfoneSimulator, type RunningSimulator } from '../simulator/simulator-server.js';
import type { SimulatorOptions } from '../simulator/simulator.js';
import { toNodeListener } from './node-adapter.js';
import { createSuperfoneProxy, type SuperfoneProxyOptions } from './proxy.js';

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

  async function mount(middlewares: Connect.Server): Promise<void> {
    let proxyOptions: SuperfoneProxyOptions;
    if (options.simulate) {
      running = await startSuperfoneSimulator(options.simulate === true ? {} : options.simulate);
      proxyOptions = { ...options, apiKey: running.simulator.apiKey, apiBase: running.apiBase };
      const control = toNodeListener(createSimulatorControlHandler(running.simulator, DEV_SIMULATOR_PATH));
      middlewares.use(DEV_SIMULATOR_PATH, (req, res) => {
        // connect strips the mount path; the control handler expects it.
        req.url = DEV_SIMULATOR_PATH + req.url;
        void control(req, res);
      });
    } else {
      proxyOptions = options;
    }
    const listener = toNodeListener(createSuperfoneProxy(proxyOptions));
    middlewares.use(path, (req, res, next) => {
      listener(req, res).catch(next);
    });
  }

  return {
    name: 'superfone-proxy',
    async configureServer(server) {
      await mount(server.middlewares);
      server.httpServer?.once('close', () => void running?.close());
    },
    async configurePreviewServer(server) {
      await mount(server.middlewares);
      server.httpServer?.once('close', () => void running?.close());
    },
  };
}

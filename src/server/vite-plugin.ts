import type { Connect, Plugin } from 'vite';
import { DEFAULT_PROXY_PATH } from '../shared/protocol.js';
import { createSimulatorControlHandler } from '../simulator/control-handler.js';
import { toNodeListener } from './node-adapter.js';
import { superfoneListener, withUpstream, type SuperfoneServerOptions } from './node-proxy.js';

/** Where the simulator's state and faults are served on the dev server in simulate mode. */
export const DEV_SIMULATOR_PATH = '/__superfone-simulator';

export type SuperfoneVitePluginOptions = SuperfoneServerOptions & { path?: string };

/**
 * Mounts the proxy on Vite's dev and preview servers at `path` (default
 * `/api/superfone/call`). With `simulate`, a simulator on loopback stands in for Superfone
 * and its state is readable at `/__superfone-simulator/state`.
 */
export function superfoneProxy(options: SuperfoneVitePluginOptions): Plugin {
  // The plugin mounts the handler at `path`; connect strips it before the handler sees the URL.
  const { path = DEFAULT_PROXY_PATH, ...serverOptions } = options;
  async function mount(server: { middlewares: Connect.Server; httpServer: { once(event: 'close', listener: () => void): unknown } | null }) {
    const { proxyOptions, simulator } = await withUpstream(serverOptions as SuperfoneServerOptions);
    if (simulator) {
      const control = toNodeListener(createSimulatorControlHandler(simulator.simulator, DEV_SIMULATOR_PATH));
      server.middlewares.use(DEV_SIMULATOR_PATH, (req, res) => {
        // connect strips the mount path; the control handler expects it.
        req.url = DEV_SIMULATOR_PATH + req.url;
        void control(req, res);
      });
    }
    // Mounted at the calls' folder, so the notifications route beside them (`…/webhook`) is
    // served too; at the site's root that would take every path from Vite, so not there.
    const folder = path.replace(/\/[^/]*$/, '');
    if (folder) server.middlewares.use(folder, superfoneListener({ ...proxyOptions, path: path.slice(folder.length) }));
    else server.middlewares.use(path, superfoneListener(proxyOptions));
    server.httpServer?.once('close', () => void simulator?.close());
  }

  return {
    name: 'superfone-proxy',
    configureServer: mount,
    configurePreviewServer: mount,
  };
}

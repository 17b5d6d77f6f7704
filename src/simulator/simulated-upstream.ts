// A simulated Superfone for a proxy under development: started on loopback, with its calls
// reported to that proxy's webhook as Superfone's notifications would be. The Node entries,
// the Vite plugin and the CLI all start it here, and only tell it where the webhook is.
import { randomBytes } from 'node:crypto';

import { type RunningSimulator, type SimulatorServerOptions, startSuperfoneSimulator } from './simulator-server.js';

export interface SimulatedUpstream {
  /** The running simulator: its state and its controls. */
  running: RunningSimulator;
  /** The proxy's options that point it here: the key the simulator takes, its API base, and the secret its reports carry. */
  proxyOptions: { apiKey: string; apiBase: string; webhookSecret: string };
  /** Where the simulated calls are reported: the proxy's webhook, once the proxy knows the address it is reached at. */
  reportTo(webhookUrl: string): void;
  close(): Promise<void>;
}

export interface SimulateOptions {
  simulator?: SimulatorServerOptions;
  /**
   * The secret the reports carry, and so the proxy's `webhookSecret`. Without one, since
   * the calls are always reported back, a secret that only this process knows.
   */
  webhookSecret?: string;
}

/** Starts a simulated Superfone for one proxy. */
export async function simulate(options: SimulateOptions = {}): Promise<SimulatedUpstream> {
  const running = await startSuperfoneSimulator(options.simulator);
  const webhookSecret = (options.webhookSecret ?? `whsec_simulated_${randomBytes(24).toString('base64url')}`).trim();
  return {
    running,
    proxyOptions: { apiKey: running.simulator.apiKey, apiBase: running.apiBase, webhookSecret },
    reportTo: (url) => running.simulator.calls.setTarget({ url, headers: { Authorization: `Bearer ${webhookSecret}` } }),
    close: () => running.close(),
  };
}

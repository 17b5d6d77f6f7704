// Browser tests run in real Chromium against the real proxy and simulator, mounted on the
// test server so the element's requests take the same path as in production.
// Run through `node --import tsx`, so the server code is imported from TypeScript source.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { fileURLToPath } from 'node:url';
import { createSuperfoneProxy } from './src/server/proxy.ts';
import { toNodeListener } from './src/server/node-adapter.ts';
import { createSimulatorControlHandler } from './src/simulator/control-handler.ts';
import { startSuperfoneSimulator } from './src/simulator/simulator-server.ts';
import { TEST_API_KEY, TEST_ROUTES, TEST_TIMEOUT_MS } from './test/support/test-routes.ts';
import { CHROMIUM_ARGS, findChromium } from './test/support/chromium.mjs';

const running = await startSuperfoneSimulator({ apiKey: TEST_API_KEY });
// Limits and the circuit breaker have tests of their own (Node, and the routes below);
// here they would only make one test's calls count against the next's.
const upstream = {
  apiKey: running.simulator.apiKey,
  apiBase: running.apiBase,
  timeoutMs: TEST_TIMEOUT_MS,
  allowedCountries: ['IN', 'GB', 'US'],
  rateLimits: false,
  circuitBreaker: false,
};

/** Each test route is the proxy with one integrator choice, so every code can be reached for real. */
const routes = new Map([
  [TEST_ROUTES.proxy, createSuperfoneProxy(upstream)],
  [TEST_ROUTES.wrongKey, createSuperfoneProxy({ ...upstream, apiKey: 'not-the-key' })],
  [TEST_ROUTES.boundAgent, createSuperfoneProxy({ ...upstream, authorize: () => '+919812345678' })],
  [TEST_ROUTES.refused, createSuperfoneProxy({ ...upstream, authorize: () => false })],
  [TEST_ROUTES.brokenAuthorize, createSuperfoneProxy({ ...upstream, authorize: () => { throw new Error('session store down'); } })],
  [TEST_ROUTES.guarded, createSuperfoneProxy({ ...upstream, allowedCountries: undefined, rateLimits: undefined, circuitBreaker: { failures: 2, openMs: 60_000 } })],
]);
const listeners = new Map([...routes].map(([path, handler]) => [path, toNodeListener(handler)]));
listeners.set(TEST_ROUTES.simulator, toNodeListener(createSimulatorControlHandler(running.simulator, TEST_ROUTES.simulator)));
listeners.set(
  TEST_ROUTES.undeliveredPassThrough,
  toNodeListener(async () => Response.json({ data: { notificationID: 7, sentSuccess: false }, message: 'success' })),
);

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  concurrency: 1,
  filterBrowserLogs: ({ args }) => !String(args[0]).includes('Lit is in dev mode'),
  testFramework: { config: { timeout: 10_000 } },
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
    }),
  ],
  middleware: [
    async (ctx, next) => {
      const route = [...listeners.keys()].find((path) => ctx.path === path || ctx.path.startsWith(path + '/'));
      if (!route) return next();
      ctx.respond = false;
      await listeners.get(route)(ctx.req, ctx.res);
    },
  ],
  plugins: [
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
    { name: 'close-simulator', serverStop: () => running.close() },
  ],
};

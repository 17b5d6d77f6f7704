// Browser tests run in real Chromium against the real proxy and simulator, mounted on the
// test server so the element's requests take the same path as in production.
// Run through `node --import tsx`, so the server code is imported from TypeScript source.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';

import { minifySourceModule } from './scripts/html-templates.mjs';
import { toNodeListener } from './src/server/adapters/node-adapter.ts';
import { createSuperfoneProxy } from './src/server/core/proxy.ts';
import { mounts } from './src/shared/mounts.ts';
import { createSimulatorControlHandler } from './src/simulator/control-handler.ts';
import { startSuperfoneSimulator } from './src/simulator/simulator-server.ts';
import { accessibleNodes } from './test/support/accessibility-tree.ts';
import { CHROMIUM_ARGS, findChromium } from './test/support/chromium.mjs';
import { freePort } from './test/support/free-port.ts';
import { TEST_API_KEY, TEST_ROUTES, TEST_TIMEOUT_MS, TEST_WEBHOOK_SECRET } from './test/support/test-routes.ts';

const running = await startSuperfoneSimulator({ apiKey: TEST_API_KEY });
// Fixed before the server starts, so the simulator can report calls to the proxy's webhook on it.
const port = await freePort();
running.simulator.calls.setTarget({ url: `http://localhost:${port}${TEST_ROUTES.webhook}`, headers: { Authorization: `Bearer ${TEST_WEBHOOK_SECRET}` } });
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

/**
 * Each test route is the proxy with one integrator choice, so every code can be reached for
 * real. Each is mounted at its calls' folder and routes within it itself (calls, and on the
 * main one notifications and followed calls), as the CLI and the adapters do.
 */
const proxyAt = (path, options = {}) => [path, createSuperfoneProxy({ ...upstream, path, ...options })];
const routes = [
  proxyAt(TEST_ROUTES.proxy, { webhookSecret: TEST_WEBHOOK_SECRET, callStreams: { heartbeatMs: 1_000 } }),
  proxyAt(TEST_ROUTES.wrongKey, { apiKey: 'not-the-key' }),
  proxyAt(TEST_ROUTES.boundAgent, { authorize: () => '+919812345678' }),
  proxyAt(TEST_ROUTES.refused, { authorize: () => false }),
  proxyAt(TEST_ROUTES.brokenAuthorize, {
    authorize: () => {
      throw new Error('session store down');
    },
  }),
  proxyAt(TEST_ROUTES.signedIn, {
    webhookSecret: TEST_WEBHOOK_SECRET,
    authorize: (request) => (request.headers.get('authorization') === 'Bearer vikram-session' ? '+919812345678' : false),
  }),
  proxyAt(TEST_ROUTES.guarded, { allowedCountries: undefined, rateLimits: undefined, circuitBreaker: { failures: 2, openMs: 60_000 } }),
];
const folderOf = (path) => path.replace(/\/[^/]*$/, '');
/** Each proxy at its folder, the simulator's controls, the stand-in: served as the CLI and the Vite plugin serve theirs. */
const route = mounts([
  ...routes.map(([path, handler]) => [folderOf(path), toNodeListener(handler)]),
  [TEST_ROUTES.simulator, toNodeListener(createSimulatorControlHandler(running.simulator))],
  [TEST_ROUTES.undeliveredPassThrough, toNodeListener(async () => Response.json({ data: { notificationID: 7, sentSuccess: false }, message: 'success' }))],
]);

export default {
  files: process.env.WTR_FILES ? [process.env.WTR_FILES] : ['test/browser/**/*.test.ts'],
  nodeResolve: true,
  port,
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
    // A worker started with `new URL('./x.js', import.meta.url)` asks for the file the build
    // emits; from source, that is the .ts beside it, which the esbuild plugin then serves.
    (ctx, next) => {
      if (ctx.path.startsWith('/src/') && ctx.path.endsWith('.js')) {
        const source = fileURLToPath(new URL(`.${ctx.path.slice(0, -3)}.ts`, import.meta.url));
        if (!existsSync(fileURLToPath(new URL(`.${ctx.path}`, import.meta.url))) && existsSync(source)) ctx.url = ctx.url.replace(/\.js(?=$|\?)/, '.ts');
      }
      return next();
    },
    async (ctx, next) => {
      const listener = route(ctx.path);
      if (!listener) return next();
      ctx.respond = false;
      await listener(ctx.req, ctx.res);
    },
  ],
  plugins: [
    esbuildPlugin({
      ts: true,
      target: 'es2022',
      tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)),
    }),
    // Templates are tested as they ship: their wrapping taken out (scripts/html-templates.mjs).
    {
      name: 'minify-html-templates',
      transform: (context) => {
        const body = minifySourceModule(context.body, context.path);
        return body === undefined ? undefined : { body };
      },
    },
    { name: 'close-simulator', serverStop: () => running.close() },
    // The browser's own accessibility tree, as a screen reader gets it (Playwright no longer gives one).
    {
      name: 'accessible-nodes',
      executeCommand: ({ command, session }) => (command === 'accessible-nodes' ? accessibleNodes(session.browser.getPage(session.id)) : undefined),
    },
  ],
};

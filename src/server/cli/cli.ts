#!/usr/bin/env node
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

import { mounts, targetPath } from '../../shared/mounts.js';
import { DEFAULT_PROXY_PATH } from '../../shared/protocol.js';
import { SIMULATOR_CONTROL_PATH } from '../../shared/simulator-paths.js';
import type { SimulatedUpstream } from '../../simulator/simulated-upstream.js';
import { agentsFromFile } from '../adapters/agents-file.js';
import { hardenNodeServer } from '../adapters/harden-node-server.js';
import { superfoneListener } from '../adapters/node-proxy.js';
import { nodeRequestHead, UnreadableRequest } from '../adapters/node-request.js';
import {
  type AgentDirectory,
  failureResponse,
  hostAndOriginGate,
  mintAgentToken,
  type ProxyLogEntry,
  ProxyOptionError,
  type ProxyStore,
  redisStore,
  webhookPath,
} from '../core/index.js';
import { type CliConfig, CliConfigError, readCliConfig } from './cli-config.js';
import { HELP, settingOfOption } from './cli-settings.js';

/** Redis only when asked for: ioredis is an optional peer, loaded here and nowhere else. */
async function sharedStore(redisUrl: string | undefined): Promise<{ store?: ProxyStore; close(): void }> {
  if (!redisUrl) return { close() {} };
  let Redis: typeof import('ioredis').Redis;
  try {
    ({ Redis } = await import('ioredis'));
  } catch {
    throw new CliConfigError('SUPERFONE_REDIS_URL needs the ioredis package: npm install ioredis.');
  }
  // Commands fail at once while Redis is away (STARTs then get 503), instead of waiting in a queue.
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  // The first error says why ("connect ECONNREFUSED …"); connect() itself only says the connection closed.
  let firstError: Error | undefined;
  const hearFirst = (error: Error) => (firstError ??= error);
  client.on('error', hearFirst);
  try {
    await client.connect();
  } catch (error) {
    // Left connecting, the client would retry for ever and keep the process from exiting.
    client.disconnect();
    throw new CliConfigError(`could not connect to Redis at ${redactUrl(redisUrl)}: ${(firstError ?? (error as Error)).message}`);
  } finally {
    client.off('error', hearFirst);
  }
  reportOutages(client, redactUrl(redisUrl));
  const store = redisStore(client);
  return {
    store,
    close: () => {
      store.close();
      client.disconnect();
    },
  };
}

/**
 * One line when Redis goes out of reach and one when it is back, instead of ioredis's own
 * line for every failed reconnect (unheard errors it prints, many a second).
 */
function reportOutages(client: import('ioredis').Redis, where: string): void {
  let away = false;
  client.on('ready', () => {
    if (away) process.stderr.write(`superfone-proxy: Redis at ${where} is back; STARTs are taken again.\n`);
    away = false;
  });
  client.on('error', (error: Error) => {
    if (away) return;
    away = true;
    process.stderr.write(`superfone-proxy: Redis at ${where} is out of reach (${error.message}); STARTs are refused (503) until it is back.\n`);
  });
}

/** A Redis URL may carry a password; logs get the host only. */
function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** The agents file, read now: a file that is missing or has a mistake stops the start, naming the line. */
function agentsOf(config: CliConfig): AgentDirectory | undefined {
  if (config.agentsFile === undefined) return undefined;
  try {
    return agentsFromFile(config.agentsFile, { defaultCountry: config.defaultCountry });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? `there is no file ${config.agentsFile}` : (error as Error).message;
    throw new CliConfigError(`SUPERFONE_AGENTS_FILE: ${reason}.`.replace(/\.\.$/, '.'));
  }
}

/** Options `createSuperfoneProxy` refuses are the operator's to fix, like any other setting. */
function asConfigError<T>(cleanUp: () => void, make: () => T): T {
  try {
    return make();
  } catch (error) {
    cleanUp();
    // The proxy's own check of its options, said by the setting the operator wrote.
    if (error instanceof ProxyOptionError) throw new CliConfigError(`${settingOfOption(error.option)} ${error.detail}`);
    if (error instanceof TypeError) throw new CliConfigError(error.message);
    throw error;
  }
}

/**
 * Who may use the simulator's controls under --simulate: whom the proxy admits, by its host
 * and origin policies. They read every dialled number and can send notifications elsewhere.
 */
function admitAsTheProxyDoes(config: CliConfig): (req: IncomingMessage, res: ServerResponse) => { status: number; message: string } | null {
  const gate = hostAndOriginGate(config);
  return (req, res) => {
    let failure;
    try {
      failure = gate(nodeRequestHead(req, res));
    } catch (error) {
      return { status: error instanceof UnreadableRequest ? error.status : 400, message: (error as Error).message };
    }
    return failure && { status: failureResponse(failure).status, message: failure.message ?? 'Refused.' };
  };
}

/** Under --simulate, a simulated Superfone; loaded only then: a production proxy never loads the simulator. */
async function simulatedUpstream(config: CliConfig): Promise<SimulatedUpstream | undefined> {
  if (!config.simulate) return undefined;
  const { simulate } = await import('../../simulator/simulated-upstream.js');
  return simulate({ webhookSecret: config.webhookSecret });
}

/** The address the simulator reports to: this proxy's webhook, on the interface it listens on (loopback for any). */
function ownWebhookUrl(config: CliConfig): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  return `http://${host}:${config.port}${webhookPath(DEFAULT_PROXY_PATH)}`;
}

function proxyListener(config: CliConfig, shared: { store?: ProxyStore }, simulated: SimulatedUpstream | undefined, log: (entry: ProxyLogEntry) => void) {
  return superfoneListener({
    apiKey: config.apiKey!,
    apiBase: config.apiBase,
    webhookSecret: config.webhookSecret,
    ...simulated?.proxyOptions,
    path: DEFAULT_PROXY_PATH,
    timeoutMs: config.timeoutMs,
    defaultCountry: config.defaultCountry,
    allowedOrigins: config.allowedOrigins,
    allowedHosts: config.allowedHosts,
    allowedCountries: config.allowedCountries.length > 0 ? config.allowedCountries : undefined,
    store: shared.store,
    auth: config.auth && { ...config.auth, agents: agentsOf(config) },
    ipv6PrefixLength: config.ipv6PrefixLength,
    log,
  });
}

/** What the operator is told once the proxy listens: where, to what upstream, and what the settings leave open. */
function sayListening(config: CliConfig, simulated: SimulatedUpstream | undefined): void {
  const upstream = simulated ? `simulator at ${simulated.running.apiBase}` : config.apiBase;
  const limits = config.redisUrl ? `, limits shared through ${redactUrl(config.redisUrl)}` : '';
  process.stdout.write(`superfone-proxy listening on http://${config.host}:${config.port}${DEFAULT_PROXY_PATH} (upstream: ${upstream}${limits})\n`);
  if (config.noAuth) {
    process.stderr.write(
      `superfone-proxy: WARNING: --no-auth: anyone who can reach ${config.host}:${config.port} can make any agent's phone dial. Set SUPERFONE_JWT_SECRET or SUPERFONE_JWKS_URL.\n`,
    );
  } else if (!config.auth) {
    process.stdout.write('superfone-proxy: no sign-in settings: loopback only, and any caller here may name any agent (set SUPERFONE_JWT_SECRET or SUPERFONE_JWKS_URL).\n');
  }
  if (config.allowedHosts.length === 0 && !/^(127\.|localhost$|::1$)/.test(config.host)) {
    process.stdout.write("superfone-proxy: only loopback names and the allowed origins' hosts are served; list the others in SUPERFONE_ALLOWED_HOSTS.\n");
  }
}

async function main(config: CliConfig): Promise<void> {
  const shared = await sharedStore(config.redisUrl);
  const simulated = await simulatedUpstream(config);
  const log = (entry: ProxyLogEntry) => process.stdout.write(JSON.stringify(entry) + '\n');
  const closeAll = () => {
    void simulated?.close();
    shared.close();
  };
  const listener = asConfigError(closeAll, () => proxyListener(config, shared, simulated, log));
  // With --simulate, the simulator's state and controls beside the proxy, as the Vite plugin serves them.
  const controls = simulated && (await import('../../simulator/simulator-server.js')).createSimulatorControlListener(simulated.running.simulator, admitAsTheProxyDoes(config));
  const route = mounts(controls ? [[SIMULATOR_CONTROL_PATH, controls]] : []);
  const server = hardenNodeServer(
    createServer((req, res) => void (route(targetPath(req.url)) ?? listener)(req, res)),
    {
      requestTimeoutMs: config.requestTimeoutMs,
      maxConnections: config.maxConnections,
      maxConnectionsPerClient: config.maxConnectionsPerClient,
      ipv6PrefixLength: config.ipv6PrefixLength,
      log,
    },
  );
  server.on('error', (error) => {
    process.stderr.write(`superfone-proxy: ${error.message}\n`);
    process.exit(1);
  });
  // Simulated calls report back to this proxy, so the whole loop runs on one machine.
  simulated?.reportTo(ownWebhookUrl(config));
  server.listen(config.port, config.host, () => sayListening(config, simulated));
  const stop = () => {
    server.close();
    server.closeAllConnections();
    closeAll();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

try {
  const config = readCliConfig(process.argv.slice(2), process.env);
  if (config.help) {
    process.stdout.write(HELP + '\n');
  } else if (config.command === 'token') {
    const { auth, tokenAgent, tokenTtlSec, defaultCountry } = config;
    // A setting mintAgentToken refuses (an agent number that is none) is the operator's to fix.
    const token = await mintAgentToken({
      secret: auth!.secret!,
      agentNumber: tokenAgent!,
      ttlSec: tokenTtlSec,
      audience: auth!.audience,
      issuer: auth!.issuer,
      agentClaim: auth!.agentClaim,
      defaultCountry,
    }).catch((error: unknown) => {
      throw error instanceof TypeError ? new CliConfigError(error.message) : error;
    });
    process.stdout.write(token + '\n');
  } else {
    await main(config);
  }
} catch (error) {
  if (!(error instanceof CliConfigError)) throw error;
  process.stderr.write(`superfone-proxy: ${error.message}\n`);
  process.exitCode = 2;
}

// The CLI's settings read from flags and the environment, and checked: what the operator must
// fix is a CliConfigError, one line naming the setting.
import { parseArgs } from 'node:util';

import { DEFAULT_COUNTRY } from '../../shared/defaults.js';
import type { CountryCode } from '../../shared/phone-number.js';
import { DEFAULT_MAX_CONNECTIONS_PER_CLIENT, DEFAULT_REQUEST_TIMEOUT_MS } from '../adapters/harden-node-server.js';
import { type AgentTokenOptions, checkAgentTokenOptions, DEFAULT_API_BASE, DEFAULT_IPV6_PREFIX_LENGTH, DEFAULT_MAX_TOKEN_AGE_SEC, DEFAULT_TIMEOUT_MS } from '../core/index.js';
import { type CliFlag, DEFAULT_HOST, DEFAULT_PORT, parseArgsOptions, variableOf } from './cli-settings.js';

export interface CliConfig {
  help: boolean;
  /** `serve` the proxy, or print a sign-in `token`. */
  command: 'serve' | 'token';
  /** Sign-in tokens decide who calls; `undefined` with none configured. */
  auth: AgentTokenOptions | undefined;
  /** The agents file (email → number) that `auth` finds agents in, where one is given. */
  agentsFile: string | undefined;
  /** The operator chose to let anyone who can reach the proxy call. */
  noAuth: boolean;
  /** For `token`: whose, and for how long. */
  tokenAgent: string | undefined;
  tokenTtlSec: number;
  allowedOrigins: string[];
  allowedHosts: string[];
  allowedCountries: CountryCode[];
  redisUrl: string | undefined;
  webhookSecret: string | undefined;
  simulate: boolean;
  apiKey: string | undefined;
  apiBase: string;
  timeoutMs: number;
  requestTimeoutMs: number;
  /** `undefined`: as many as the file limit allows, up to the default. */
  maxConnections: number | undefined;
  maxConnectionsPerClient: number;
  ipv6PrefixLength: number;
  defaultCountry: CountryCode;
  port: number;
  host: string;
}

/** Thrown for configuration the operator must fix; the CLI prints its message and exits 2. */
export class CliConfigError extends Error {}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new CliConfigError(`${name} must be a whole number from ${min} to ${max} (got "${text}").`);
  }
  return value;
}

/** What was given for a setting: its flag, else its environment variable. */
type Given = (flag: CliFlag) => string | undefined;

function givenSettings(argv: string[], env: NodeJS.ProcessEnv): { given: Given; switched: (flag: CliFlag) => boolean; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, strict: true, allowPositionals: true, options: parseArgsOptions() });
  } catch (error) {
    throw new CliConfigError(`${(error as Error).message} See --help.`);
  }
  const values = parsed.values as Partial<Record<CliFlag, string | boolean>>;
  const given: Given = (flag) => {
    const value = values[flag];
    if (typeof value === 'string') return value;
    const variable = variableOf(flag);
    return variable === undefined ? undefined : env[variable];
  };
  return { given, switched: (flag) => values[flag] === true, positionals: parsed.positionals };
}

/** Reads flags and environment into a checked configuration. */
export function readCliConfig(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  const { given, switched, positionals } = givenSettings(argv, env);
  const help = switched('help');
  const command = positionals[0] ?? 'serve';
  if ((command !== 'serve' && command !== 'token') || positionals.length > 1) {
    throw new CliConfigError(`unknown command "${positionals.join(' ')}"; the one command is token. See --help.`);
  }
  const checking = !help;
  const { auth, agentsFile } = readAuth(given);
  const noAuth = switched('no-auth') || env.SUPERFONE_NO_AUTH === '1';
  if (auth && noAuth) throw new CliConfigError('--no-auth (SUPERFONE_NO_AUTH) contradicts the sign-in settings given; keep one.');
  const simulate = switched('simulate');
  const apiKey = given('api-key');
  if (checking && command === 'serve' && !simulate && !apiKey) {
    throw new CliConfigError('SUPERFONE_API_KEY is required (or pass --simulate to use the built-in simulator). See --help.');
  }
  const redisUrl = given('redis-url');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new CliConfigError('SUPERFONE_REDIS_URL must start with redis:// or rediss://.');
  }
  const host = given('host') ?? DEFAULT_HOST;
  if (checking && command === 'serve' && !auth && !noAuth && !isLoopbackHost(host)) {
    throw new CliConfigError(
      `refusing to listen on ${host} with no one to check who calls: anyone who reached it could make any agent's phone dial. ` +
        "Set SUPERFONE_JWT_SECRET (the CRM's server signs sign-in tokens) or SUPERFONE_JWKS_URL (your identity provider's keys), " +
        'or pass --no-auth (SUPERFONE_NO_AUTH=1) to accept everyone.',
    );
  }
  if (command === 'token' && checking) {
    if (!auth?.secret) throw new CliConfigError('superfone-proxy token signs with SUPERFONE_JWT_SECRET (or --jwt-secret); set it.');
    if (!given('agent')) throw new CliConfigError("superfone-proxy token needs --agent, the agent's Superfone number.");
  }
  const ttl = given('ttl');
  return {
    help,
    command,
    auth,
    agentsFile,
    noAuth,
    tokenAgent: given('agent'),
    // A token the proxy would refuse as too long-lived is not minted.
    tokenTtlSec: ttl ? wholeNumber('--ttl', ttl, 1, auth?.maxTokenAge ?? DEFAULT_MAX_TOKEN_AGE_SEC) : 600,
    ...proxySettings(given),
    redisUrl,
    simulate,
    apiKey,
    host,
  };
}

/** What the CLI hands the proxy and the server as they are; the URL, the countries and the timeout are checked by the proxy (../core/proxy.ts) when the CLI starts it. */
function proxySettings(given: Given) {
  const list = (text: string | undefined) =>
    (text ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  /** A whole-number setting; the message names its variable. */
  const number = <T extends number | undefined>(flag: CliFlag, fallback: T, min: number, max: number): number | T => {
    const text = given(flag);
    return text ? wholeNumber(variableOf(flag) ?? `--${flag}`, text, min, max) : fallback;
  };
  return {
    allowedOrigins: list(given('allowed-origins')),
    allowedHosts: list(given('allowed-hosts')),
    allowedCountries: list(given('allowed-countries')).map((code) => code.toUpperCase()) as CountryCode[],
    webhookSecret: given('webhook-secret'),
    apiBase: given('api-base') ?? DEFAULT_API_BASE,
    timeoutMs: number('timeout-ms', DEFAULT_TIMEOUT_MS, 1, 120_000),
    requestTimeoutMs: number('request-timeout-ms', DEFAULT_REQUEST_TIMEOUT_MS, 1, 120_000),
    maxConnections: number('max-connections', undefined, 1, 1_000_000),
    maxConnectionsPerClient: number('max-connections-per-client', DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 0, 1_000_000),
    ipv6PrefixLength: number('ipv6-prefix-length', DEFAULT_IPV6_PREFIX_LENGTH, 1, 128),
    defaultCountry: (given('default-country') ?? DEFAULT_COUNTRY).toUpperCase() as CountryCode,
    port: number('port', DEFAULT_PORT, 1, 65_535),
  };
}

/** Loopback only: what nobody else can reach. */
function isLoopbackHost(host: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/.test(host);
}

/** The sign-in settings, checked as the proxy checks them; `undefined` when none is given. */
function readAuth(given: Given): { auth: AgentTokenOptions | undefined; agentsFile: string | undefined } {
  const secret = given('jwt-secret');
  const jwksUrl = given('jwks-url');
  const issuer = given('jwt-issuer');
  const audience = given('jwt-audience');
  const agentClaim = given('jwt-agent-claim');
  const agentsFile = given('agents-file');
  const maxAge = given('jwt-max-age');
  if (secret === undefined && jwksUrl === undefined) {
    if (issuer || audience || agentClaim || agentsFile || maxAge) {
      throw new CliConfigError('SUPERFONE_JWT_ISSUER, _AUDIENCE, _AGENT_CLAIM, _MAX_AGE and SUPERFONE_AGENTS_FILE need SUPERFONE_JWT_SECRET or SUPERFONE_JWKS_URL.');
    }
    return { auth: undefined, agentsFile: undefined };
  }
  const maxTokenAge = maxAge === undefined ? undefined : wholeNumber('SUPERFONE_JWT_MAX_AGE', maxAge, 60, 30 * 86_400);
  const auth: AgentTokenOptions = { secret, jwksUrl, issuer, audience, agentClaim, maxTokenAge };
  try {
    // The file itself is read when the proxy starts; here, only whether it fits with the rest.
    checkAgentTokenOptions({ ...auth, agents: agentsFile === undefined ? undefined : () => null }, 'superfone-proxy', {
      secret: 'SUPERFONE_JWT_SECRET',
      jwksUrl: 'SUPERFONE_JWKS_URL',
      issuer: 'SUPERFONE_JWT_ISSUER',
      agentClaim: 'SUPERFONE_JWT_AGENT_CLAIM',
      agents: 'SUPERFONE_AGENTS_FILE',
      maxTokenAge: 'SUPERFONE_JWT_MAX_AGE',
    });
  } catch (error) {
    // The CLI prints its own prefix.
    throw new CliConfigError((error as Error).message.replace(/^superfone-proxy: /, ''));
  }
  return { auth, agentsFile };
}

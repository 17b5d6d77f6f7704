import { parseArgs } from 'node:util';
import type { CountryCode } from '../../shared/phone-number.js';
import { DEFAULT_COUNTRY } from '../../shared/protocol.js';
import { checkAgentTokenOptions, DEFAULT_AGENT_CLAIM, DEFAULT_MAX_TOKEN_AGE_SEC, DEFAULT_API_BASE, DEFAULT_IPV6_PREFIX_LENGTH, DEFAULT_TIMEOUT_MS, DEFAULT_TOKEN_AUDIENCE, type AgentTokenOptions } from '../core/index.js';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_CLIENT, DEFAULT_REQUEST_TIMEOUT_MS } from '../adapters/harden-node-server.js';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';

export const HELP = `Usage: superfone-proxy [options]
       superfone-proxy token --agent NUMBER [--ttl SECONDS]

Serves the Superfone click-to-call proxy at /api/superfone/call. The API key stays in
this process: it is sent to Superfone and never to a browser or a log.

Who may call (anywhere but loopback, one of these is required):
  --jwt-secret S         SUPERFONE_JWT_SECRET       HS256 secret (32+ characters) the CRM's server signs sign-in tokens with
  --jwks-url URL         SUPERFONE_JWKS_URL         Your identity provider's public keys (RS256, ES256, EdDSA)
  --jwt-issuer ISS       SUPERFONE_JWT_ISSUER       Required iss (required with a JWKS URL)
  --jwt-audience AUD     SUPERFONE_JWT_AUDIENCE     Required aud. Default ${DEFAULT_TOKEN_AUDIENCE}
  --jwt-agent-claim C    SUPERFONE_JWT_AGENT_CLAIM  The claim holding the agent's number. Default ${DEFAULT_AGENT_CLAIM}
  --jwt-max-age SECONDS  SUPERFONE_JWT_MAX_AGE      The longest lifetime a token may have (exp - iat). Default ${DEFAULT_MAX_TOKEN_AGE_SEC}
  --agents-file PATH     SUPERFONE_AGENTS_FILE      Or find the agent by the token's verified email in this CSV
                                                    (email,agent_number lines), read again when it changes
  --no-auth              SUPERFONE_NO_AUTH=1        Accept anyone who can reach the proxy (warned at every start)

  superfone-proxy token prints a sign-in token for --agent, signed with SUPERFONE_JWT_SECRET,
  good for --ttl seconds (default 600): to try the proxy out, and for shared terminals.

Options (each has an environment variable; a flag wins over it):
  --api-key KEY          SUPERFONE_API_KEY          Superfone API key (required unless --simulate).
                                                    Prefer the variable: flags show in process lists.
  --api-base URL         SUPERFONE_API_BASE         Default ${DEFAULT_API_BASE}
  --timeout-ms MS        SUPERFONE_TIMEOUT_MS       Wait for Superfone at most this long. Default ${DEFAULT_TIMEOUT_MS}
  --default-country CC   SUPERFONE_DEFAULT_COUNTRY  Region for numbers without a country code. Default IN
  --allowed-origins LIST SUPERFONE_ALLOWED_ORIGINS  Comma-separated origins of CRM pages on other hosts that may call
  --allowed-hosts LIST   SUPERFONE_ALLOWED_HOSTS    Comma-separated names this proxy is reached by, besides loopback
                                                    and the allowed origins' hosts (.example.com: and subdomains)
  --request-timeout-ms MS SUPERFONE_REQUEST_TIMEOUT_MS A client must send its whole request within this of connecting
                                                    (one that sends nothing is closed then too). Default ${DEFAULT_REQUEST_TIMEOUT_MS}
  --max-connections N    SUPERFONE_MAX_CONNECTIONS  Connections open at once, in all. Default ${DEFAULT_MAX_CONNECTIONS},
                                                    or fewer where ulimit -n allows fewer files
  --max-connections-per-client N SUPERFONE_MAX_CONNECTIONS_PER_CLIENT
                                                    Connections one client (IPv4 address, IPv6 network) may hold.
                                                    Default ${DEFAULT_MAX_CONNECTIONS_PER_CLIENT}; behind a balancer raise it, or 0 for none
  --ipv6-prefix-length N SUPERFONE_IPV6_PREFIX_LENGTH IPv6 clients are told apart by this many bits. Default ${DEFAULT_IPV6_PREFIX_LENGTH}
  --allowed-countries LIST SUPERFONE_ALLOWED_COUNTRIES Comma-separated destination countries. Default: the default country
  --redis-url URL        SUPERFONE_REDIS_URL        Share rate limits and locks with other instances through Redis
  --webhook-secret S     SUPERFONE_WEBHOOK_SECRET   Accept Superfone's call notifications at /api/superfone/webhook,
                                                    sent with the header Authorization: Bearer S (16+ characters)
  --port PORT            PORT                       Default ${DEFAULT_PORT}
  --host HOST            HOST                       Default ${DEFAULT_HOST} (loopback only)
  --simulate                                        Run the built-in Superfone simulator as upstream
  --help                                            Show this text

Example:
  SUPERFONE_API_KEY=... npx superfone-proxy --port 8787
  SUPERFONE_API_KEY=... SUPERFONE_JWT_SECRET=... npx superfone-proxy --host 0.0.0.0
  npx superfone-proxy --simulate`;

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

/** Reads flags and environment into a checked configuration. */
export function readCliConfig(argv: string[], env: NodeJS.ProcessEnv): CliConfig {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: {
        'jwt-secret': { type: 'string' },
        'jwks-url': { type: 'string' },
        'jwt-issuer': { type: 'string' },
        'jwt-audience': { type: 'string' },
        'jwt-agent-claim': { type: 'string' },
        'agents-file': { type: 'string' },
        'jwt-max-age': { type: 'string' },
        'no-auth': { type: 'boolean' },
        agent: { type: 'string' },
        ttl: { type: 'string' },
        'api-key': { type: 'string' },
        'api-base': { type: 'string' },
        'timeout-ms': { type: 'string' },
        'default-country': { type: 'string' },
        'allowed-origins': { type: 'string' },
        'allowed-hosts': { type: 'string' },
        'request-timeout-ms': { type: 'string' },
        'max-connections': { type: 'string' },
        'max-connections-per-client': { type: 'string' },
        'ipv6-prefix-length': { type: 'string' },
        'allowed-countries': { type: 'string' },
        'redis-url': { type: 'string' },
        'webhook-secret': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        simulate: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new CliConfigError(`${(error as Error).message} See --help.`);
  }

  const help = values.help ?? false;
  const command = positionals[0] ?? 'serve';
  if ((command !== 'serve' && command !== 'token') || positionals.length > 1) {
    throw new CliConfigError(`unknown command "${positionals.join(' ')}"; the one command is token. See --help.`);
  }
  const { auth, agentsFile } = readAuth(values, env);
  const noAuth = values['no-auth'] === true || env.SUPERFONE_NO_AUTH === '1';
  if (auth && noAuth) throw new CliConfigError('--no-auth (SUPERFONE_NO_AUTH) contradicts the sign-in settings given; keep one.');
  const simulate = values.simulate ?? false;
  const apiKey = values['api-key'] ?? env.SUPERFONE_API_KEY;
  if (!help && command === 'serve' && !simulate && !apiKey) {
    throw new CliConfigError('SUPERFONE_API_KEY is required (or pass --simulate to use the built-in simulator). See --help.');
  }
  // The URL, the countries and the timeout are the proxy's own options, checked by it (../core/proxy.ts) when the CLI starts it.
  const apiBase = values['api-base'] ?? env.SUPERFONE_API_BASE ?? DEFAULT_API_BASE;
  const country = (values['default-country'] ?? env.SUPERFONE_DEFAULT_COUNTRY ?? DEFAULT_COUNTRY).toUpperCase();
  const list = (text: string | undefined) => (text ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  const allowedOrigins = list(values['allowed-origins'] ?? env.SUPERFONE_ALLOWED_ORIGINS);
  const allowedHosts = list(values['allowed-hosts'] ?? env.SUPERFONE_ALLOWED_HOSTS);
  const allowedCountries = list(values['allowed-countries'] ?? env.SUPERFONE_ALLOWED_COUNTRIES).map((code) => code.toUpperCase());
  const redisUrl = values['redis-url'] ?? env.SUPERFONE_REDIS_URL;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) {
    throw new CliConfigError('SUPERFONE_REDIS_URL must start with redis:// or rediss://.');
  }
  /** A whole-number setting from its flag or, failing that, its variable; the message names the variable. */
  const setting = <T extends number | undefined>(flag: string, variable: string, fallback: T, min: number, max: number): number | T => {
    const text = (values as Record<string, string | undefined>)[flag] ?? env[variable];
    return text ? wholeNumber(variable, text, min, max) : fallback;
  };
  const host = values.host ?? env.HOST ?? DEFAULT_HOST;
  if (!help && command === 'serve' && !auth && !noAuth && !isLoopbackHost(host)) {
    throw new CliConfigError(
      `refusing to listen on ${host} with no one to check who calls: anyone who reached it could make any agent's phone dial. ` +
        'Set SUPERFONE_JWT_SECRET (the CRM\'s server signs sign-in tokens) or SUPERFONE_JWKS_URL (your identity provider\'s keys), ' +
        'or pass --no-auth (SUPERFONE_NO_AUTH=1) to accept everyone.',
    );
  }
  if (command === 'token' && !help) {
    if (!auth?.secret) throw new CliConfigError('superfone-proxy token signs with SUPERFONE_JWT_SECRET (or --jwt-secret); set it.');
    if (!values.agent) throw new CliConfigError('superfone-proxy token needs --agent, the agent\'s Superfone number.');
  }
  return {
    help,
    command,
    auth,
    agentsFile,
    noAuth,
    tokenAgent: values.agent,
    // A token the proxy would refuse as too long-lived is not minted.
    tokenTtlSec: values.ttl ? wholeNumber('--ttl', values.ttl, 1, auth?.maxTokenAge ?? DEFAULT_MAX_TOKEN_AGE_SEC) : 600,
    allowedOrigins,
    allowedHosts,
    allowedCountries: allowedCountries as CountryCode[],
    redisUrl,
    webhookSecret: values['webhook-secret'] ?? env.SUPERFONE_WEBHOOK_SECRET,
    simulate,
    apiKey,
    apiBase,
    timeoutMs: setting('timeout-ms', 'SUPERFONE_TIMEOUT_MS', DEFAULT_TIMEOUT_MS, 1, 120_000),
    requestTimeoutMs: setting('request-timeout-ms', 'SUPERFONE_REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, 1, 120_000),
    maxConnections: setting('max-connections', 'SUPERFONE_MAX_CONNECTIONS', undefined, 1, 1_000_000),
    maxConnectionsPerClient: setting('max-connections-per-client', 'SUPERFONE_MAX_CONNECTIONS_PER_CLIENT', DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 0, 1_000_000),
    ipv6PrefixLength: setting('ipv6-prefix-length', 'SUPERFONE_IPV6_PREFIX_LENGTH', DEFAULT_IPV6_PREFIX_LENGTH, 1, 128),
    defaultCountry: country as CountryCode,
    port: setting('port', 'PORT', DEFAULT_PORT, 1, 65_535),
    host,
  };
}

/** Loopback only: what nobody else can reach. */
function isLoopbackHost(host: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|::1|\[::1\])$/.test(host);
}

/** The sign-in settings, checked as the proxy checks them; `undefined` when none is given. */
function readAuth(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv): { auth: AgentTokenOptions | undefined; agentsFile: string | undefined } {
  const text = (flag: string, variable: string) => (values[flag] as string | undefined) ?? env[variable] ?? undefined;
  const secret = text('jwt-secret', 'SUPERFONE_JWT_SECRET');
  const jwksUrl = text('jwks-url', 'SUPERFONE_JWKS_URL');
  const issuer = text('jwt-issuer', 'SUPERFONE_JWT_ISSUER');
  const audience = text('jwt-audience', 'SUPERFONE_JWT_AUDIENCE');
  const agentClaim = text('jwt-agent-claim', 'SUPERFONE_JWT_AGENT_CLAIM');
  const agentsFile = text('agents-file', 'SUPERFONE_AGENTS_FILE');
  const maxAge = text('jwt-max-age', 'SUPERFONE_JWT_MAX_AGE');
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

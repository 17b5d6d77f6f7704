// Every setting of superfone-proxy, once: its flag, its environment variable, the proxy
// option it gives and its help. The argument parser, --help and the names in error messages
// are all made from this table; docs/proxy.md's table is checked against it by a test.
import { DEFAULT_COUNTRY } from '../../shared/defaults.js';
import { DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_CONNECTIONS_PER_CLIENT, DEFAULT_REQUEST_TIMEOUT_MS } from '../adapters/harden-node-server.js';
import {
  DEFAULT_AGENT_CLAIM,
  DEFAULT_API_BASE,
  DEFAULT_IPV6_PREFIX_LENGTH,
  DEFAULT_MAX_TOKEN_AGE_SEC,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TOKEN_AUDIENCE,
  type SuperfoneProxyOptions,
} from '../core/index.js';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';

export interface CliSetting {
  /** The flag, without its dashes. */
  flag: string;
  /** What follows the flag; none for a switch. */
  value?: string;
  /** The environment variable that gives it where the flag does not (a flag wins). */
  variable?: string;
  /** The proxy option it becomes, so the proxy's refusal of that option names this setting. */
  option?: keyof SuperfoneProxyOptions;
  /** The section of --help it is listed in. */
  section: 'who' | 'token' | 'options';
  /** Its help, one string per line. */
  help: readonly string[];
}

export const CLI_SETTINGS = [
  { section: 'who', flag: 'jwt-secret', value: 'S', variable: 'SUPERFONE_JWT_SECRET', help: ["HS256 secret (32+ characters) the CRM's server signs sign-in tokens with"] },
  { section: 'who', flag: 'jwks-url', value: 'URL', variable: 'SUPERFONE_JWKS_URL', help: ["Your identity provider's public keys (RS256, ES256, EdDSA)"] },
  { section: 'who', flag: 'jwt-issuer', value: 'ISS', variable: 'SUPERFONE_JWT_ISSUER', help: ['Required iss (required with a JWKS URL)'] },
  { section: 'who', flag: 'jwt-audience', value: 'AUD', variable: 'SUPERFONE_JWT_AUDIENCE', help: [`Required aud. Default ${DEFAULT_TOKEN_AUDIENCE}`] },
  { section: 'who', flag: 'jwt-agent-claim', value: 'C', variable: 'SUPERFONE_JWT_AGENT_CLAIM', help: [`The claim holding the agent's number. Default ${DEFAULT_AGENT_CLAIM}`] },
  {
    section: 'who',
    flag: 'jwt-max-age',
    value: 'SECONDS',
    variable: 'SUPERFONE_JWT_MAX_AGE',
    help: [`The longest lifetime a token may have (exp - iat). Default ${DEFAULT_MAX_TOKEN_AGE_SEC}`],
  },
  {
    section: 'who',
    flag: 'agents-file',
    value: 'PATH',
    variable: 'SUPERFONE_AGENTS_FILE',
    help: ["Or find the agent by the token's verified email in this CSV", '(email,agent_number lines), read again when it changes'],
  },
  {
    section: 'who',
    flag: 'no-auth',
    variable: 'SUPERFONE_NO_AUTH',
    help: ['Accept anyone who can reach the proxy (warned at every start);', 'as a variable, SUPERFONE_NO_AUTH=1'],
  },
  { section: 'token', flag: 'agent', value: 'NUMBER', help: ["The agent's Superfone number the token names"] },
  { section: 'token', flag: 'ttl', value: 'SECONDS', help: ['How long the token is good for. Default 600'] },
  {
    section: 'options',
    flag: 'api-key',
    value: 'KEY',
    variable: 'SUPERFONE_API_KEY',
    option: 'apiKey',
    help: ['Superfone API key (required unless --simulate).', 'Prefer the variable: flags show in process lists.'],
  },
  { section: 'options', flag: 'api-base', value: 'URL', variable: 'SUPERFONE_API_BASE', option: 'apiBase', help: [`Default ${DEFAULT_API_BASE}`] },
  {
    section: 'options',
    flag: 'timeout-ms',
    value: 'MS',
    variable: 'SUPERFONE_TIMEOUT_MS',
    option: 'timeoutMs',
    help: [`Wait for Superfone at most this long. Default ${DEFAULT_TIMEOUT_MS}`],
  },
  {
    section: 'options',
    flag: 'default-country',
    value: 'CC',
    variable: 'SUPERFONE_DEFAULT_COUNTRY',
    option: 'defaultCountry',
    help: [`Region for numbers without a country code. Default ${DEFAULT_COUNTRY}`],
  },
  {
    section: 'options',
    flag: 'allowed-origins',
    value: 'LIST',
    variable: 'SUPERFONE_ALLOWED_ORIGINS',
    option: 'allowedOrigins',
    help: ['Comma-separated origins of CRM pages on other hosts that may call'],
  },
  {
    section: 'options',
    flag: 'allowed-hosts',
    value: 'LIST',
    variable: 'SUPERFONE_ALLOWED_HOSTS',
    option: 'allowedHosts',
    help: ['Comma-separated names this proxy is reached by, besides loopback', "and the allowed origins' hosts (.example.com: and subdomains)"],
  },
  {
    section: 'options',
    flag: 'request-timeout-ms',
    value: 'MS',
    variable: 'SUPERFONE_REQUEST_TIMEOUT_MS',
    help: ['A client must send its whole request within this of connecting', `(one that sends nothing is closed then too). Default ${DEFAULT_REQUEST_TIMEOUT_MS}`],
  },
  {
    section: 'options',
    flag: 'max-connections',
    value: 'N',
    variable: 'SUPERFONE_MAX_CONNECTIONS',
    help: [`Connections open at once, in all. Default ${DEFAULT_MAX_CONNECTIONS},`, 'or fewer where ulimit -n allows fewer files'],
  },
  {
    section: 'options',
    flag: 'max-connections-per-client',
    value: 'N',
    variable: 'SUPERFONE_MAX_CONNECTIONS_PER_CLIENT',
    help: ['Connections one client (IPv4 address, IPv6 network) may hold.', `Default ${DEFAULT_MAX_CONNECTIONS_PER_CLIENT}; behind a balancer raise it, or 0 for none`],
  },
  {
    section: 'options',
    flag: 'ipv6-prefix-length',
    value: 'N',
    variable: 'SUPERFONE_IPV6_PREFIX_LENGTH',
    option: 'ipv6PrefixLength',
    help: [`IPv6 clients are told apart by this many bits. Default ${DEFAULT_IPV6_PREFIX_LENGTH}`],
  },
  {
    section: 'options',
    flag: 'allowed-countries',
    value: 'LIST',
    variable: 'SUPERFONE_ALLOWED_COUNTRIES',
    option: 'allowedCountries',
    help: ['Comma-separated destination countries. Default: the default country'],
  },
  { section: 'options', flag: 'redis-url', value: 'URL', variable: 'SUPERFONE_REDIS_URL', help: ['Share rate limits and locks with other instances through Redis'] },
  {
    section: 'options',
    flag: 'webhook-secret',
    value: 'S',
    variable: 'SUPERFONE_WEBHOOK_SECRET',
    option: 'webhookSecret',
    help: ["Accept Superfone's call notifications at /api/superfone/webhook,", 'sent with the header Authorization: Bearer S (16+ characters)'],
  },
  { section: 'options', flag: 'port', value: 'PORT', variable: 'PORT', help: [`Default ${DEFAULT_PORT}`] },
  { section: 'options', flag: 'host', value: 'HOST', variable: 'HOST', help: [`Default ${DEFAULT_HOST} (loopback only)`] },
  { section: 'options', flag: 'simulate', help: ['Run the built-in Superfone simulator as upstream'] },
  { section: 'options', flag: 'help', help: ['Show this text'] },
] as const satisfies readonly CliSetting[];

export type CliFlag = (typeof CLI_SETTINGS)[number]['flag'];

/** `node:util`'s parseArgs options, one per setting. */
export function parseArgsOptions(): Record<CliFlag, { type: 'string' | 'boolean'; short?: string }> {
  const options = {} as Record<CliFlag, { type: 'string' | 'boolean'; short?: string }>;
  for (const setting of CLI_SETTINGS) options[setting.flag] = { type: 'value' in setting ? 'string' : 'boolean', ...(setting.flag === 'help' ? { short: 'h' } : {}) };
  return options;
}

const SETTINGS: readonly CliSetting[] = CLI_SETTINGS;

/** A flag's environment variable, where it has one. */
export function variableOf(flag: CliFlag): string | undefined {
  return SETTINGS.find((setting) => setting.flag === flag)?.variable;
}

/** The name an operator wrote a proxy option under, for the proxy's refusals. */
export function settingOfOption(option: keyof SuperfoneProxyOptions): string {
  return SETTINGS.find((setting) => setting.option === option)?.variable ?? option;
}

const COLUMN = 52;

function helpLines(section: CliSetting['section']): string {
  const lines: string[] = [];
  for (const setting of SETTINGS) {
    if (setting.section !== section) continue;
    const flag = `  --${setting.flag}${setting.value ? ` ${setting.value}` : ''}`;
    const head = (flag.padEnd(24) + ' ' + (setting.variable ?? '')).trimEnd();
    // A head too wide for its column has the help below it.
    const [first, ...rest] = setting.help;
    if (head.length < COLUMN) lines.push(head.padEnd(COLUMN) + first);
    else lines.push(head, ' '.repeat(COLUMN) + first);
    for (const line of rest) lines.push(' '.repeat(COLUMN) + line);
  }
  return lines.join('\n');
}

export const HELP = `Usage: superfone-proxy [options]
       superfone-proxy token --agent NUMBER [--ttl SECONDS]

Serves the Superfone click-to-call proxy at /api/superfone/call. The API key stays in
this process: it is sent to Superfone and never to a browser or a log.

Who may call (anywhere but loopback, one of these is required):
${helpLines('who')}

superfone-proxy token prints a sign-in token, signed with SUPERFONE_JWT_SECRET:
to try the proxy out, and for shared terminals.
${helpLines('token')}

Options (each has an environment variable; a flag wins over it):
${helpLines('options')}

Example:
  SUPERFONE_API_KEY=... npx superfone-proxy --port 8787
  SUPERFONE_API_KEY=... SUPERFONE_JWT_SECRET=... npx superfone-proxy --host 0.0.0.0
  npx superfone-proxy --simulate`;

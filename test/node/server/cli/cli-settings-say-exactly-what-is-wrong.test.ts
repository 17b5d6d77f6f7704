import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { CliConfigError, readCliConfig } from '../../../../src/server/cli/cli-config.js';

// `superfone-proxy` refuses settings that cannot work before it listens, in words that name
// the setting and the fix. Each message is written out by hand: a mutation probe found them
// garbled unseen where tests only checked that the CLI refused.
const KEY = { SUPERFONE_API_KEY: 'sf_test_key' };
const SECRET = 'a-long-random-signing-secret-for-tests-0123456789';

const CASES: Array<{ name: string; argv: string[]; env: NodeJS.ProcessEnv; message: string }> = [
  { name: 'no API key and no simulator', argv: [], env: {}, message: 'SUPERFONE_API_KEY is required (or pass --simulate to use the built-in simulator). See --help.' },
  {
    name: 'sign-in both required and waived',
    argv: ['--no-auth'],
    env: { ...KEY, SUPERFONE_JWT_SECRET: SECRET },
    message: '--no-auth (SUPERFONE_NO_AUTH) contradicts the sign-in settings given; keep one.',
  },
  {
    name: 'a Redis URL of another scheme',
    argv: [],
    env: { ...KEY, SUPERFONE_REDIS_URL: 'http://127.0.0.1:6379' },
    message: 'SUPERFONE_REDIS_URL must start with redis:// or rediss://.',
  },
  {
    name: 'token without a signing secret',
    argv: ['token', '--agent', '+919876543210'],
    env: {},
    message: 'superfone-proxy token signs with SUPERFONE_JWT_SECRET (or --jwt-secret); set it.',
  },
  { name: 'token without an agent', argv: ['token'], env: { SUPERFONE_JWT_SECRET: SECRET }, message: "superfone-proxy token needs --agent, the agent's Superfone number." },
  {
    name: 'token settings without a key to check them',
    argv: [],
    env: { ...KEY, SUPERFONE_JWT_ISSUER: 'https://login.example.com' },
    message: 'SUPERFONE_JWT_ISSUER, _AUDIENCE, _AGENT_CLAIM, _MAX_AGE and SUPERFONE_AGENTS_FILE need SUPERFONE_JWT_SECRET or SUPERFONE_JWKS_URL.',
  },
  { name: 'a second command', argv: ['serve', 'now'], env: KEY, message: 'unknown command "serve now"; the one command is token. See --help.' },
  { name: 'a port out of range', argv: [], env: { ...KEY, PORT: '70000' }, message: 'PORT must be a whole number from 1 to 65535 (got "70000").' },
  {
    name: 'a token lifetime past the 12-hour maximum age',
    argv: ['token', '--agent', '+919876543210', '--ttl', '90000'],
    env: { SUPERFONE_JWT_SECRET: SECRET },
    message: '--ttl must be a whole number from 1 to 43200 (got "90000").',
  },
];

describe('the CLI says exactly what is wrong with its settings', { timeout: 10_000 }, () => {
  for (const { name, argv, env, message } of CASES) {
    it(`${name}: "${message}"`, () => {
      assert.throws(
        () => readCliConfig(argv, env),
        (error: unknown) => {
          assert.ok(error instanceof CliConfigError, String(error));
          assert.equal(error.message, message);
          return true;
        },
      );
    });
  }
});

describe('a flag wins over its variable, even a flag given empty', () => {
  it('lists, numbers and text: the flag’s value, else the variable’s, else the default', () => {
    const env = { ...KEY, SUPERFONE_ALLOWED_ORIGINS: 'https://env.example.com', SUPERFONE_TIMEOUT_MS: '7000', SUPERFONE_WEBHOOK_SECRET: 'from-the-environment-0123', PORT: '9001' };
    const flags = readCliConfig(['--allowed-origins', 'https://flag.example.com', '--timeout-ms', '5000', '--webhook-secret', 'from-the-flag-0123456789', '--port', '9002'], env);
    assert.deepEqual([flags.allowedOrigins, flags.timeoutMs, flags.webhookSecret, flags.port], [['https://flag.example.com'], 5000, 'from-the-flag-0123456789', 9002]);
    const variables = readCliConfig([], env);
    assert.deepEqual(
      [variables.allowedOrigins, variables.timeoutMs, variables.webhookSecret, variables.port],
      [['https://env.example.com'], 7000, 'from-the-environment-0123', 9001],
    );
    // An empty flag says "none here": the variable does not fill it in.
    assert.deepEqual(readCliConfig(['--allowed-origins', ''], env).allowedOrigins, []);
    const defaults = readCliConfig([], KEY);
    assert.deepEqual([defaults.allowedOrigins, defaults.timeoutMs, defaults.webhookSecret, defaults.port], [[], 10_000, undefined, 8787]);
  });
});

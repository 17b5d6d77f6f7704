import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';

import { readCliConfig } from '../../../../src/server/cli/cli-config.js';
import { CLI_SETTINGS } from '../../../../src/server/cli/cli-settings.js';
import { startSuperfoneSimulator } from '../../../../src/simulator/simulator-server.js';
import { startCliProxy } from '../../../support/cli-proxy.js';
import { freePort } from '../../../support/free-port.js';
import { readmeRecipe } from '../../../support/packed-project.js';
import { API_KEY, assertNoKey, startBody } from '../../helpers.js';

const CLI = ['--import', 'tsx', 'src/server/cli/cli.ts'];
const cleanEnv = { PATH: process.env.PATH, HOME: process.env.HOME };

function runOnce(args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, [...CLI, ...args], { env: { ...cleanEnv, ...env }, encoding: 'utf8', timeout: 20_000 });
}

describe('superfone-proxy, the CLI', () => {
  const children: ChildProcess[] = [];
  after(() => children.forEach((child) => child.kill()));

  it('--help documents every setting', () => {
    const result = runOnce(['--help']);
    assert.equal(result.status, 0);
    for (const word of ['SUPERFONE_API_KEY', 'SUPERFONE_API_BASE', 'SUPERFONE_TIMEOUT_MS', 'SUPERFONE_DEFAULT_COUNTRY', 'PORT', '--simulate', '8787']) {
      assert.ok(result.stdout.includes(word), `--help mentions ${word}`);
    }
  });

  it('--help prints what docs/proxy.md says it prints, word for word', () => {
    const result = runOnce(['--help']);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, readmeRecipe('proxy-help'));
  });

  it('one table of settings: each is parsed, in --help with its variable, and in docs/proxy.md’s table with the same variable; nothing else is', () => {
    const help = runOnce(['--help']).stdout;
    const docs = readFileSync('docs/proxy.md', 'utf8');
    const section = docs.slice(docs.indexOf('### The CLI'), docs.indexOf('## Recipes'));
    const documented = new Map<string, string>();
    for (const row of section.split('\n').filter((line) => line.startsWith('| `--'))) {
      const [flags, variables] = row
        .split('|')
        .slice(1, 3)
        .map((cell) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!.replace(/=1$/, '')));
      flags!.forEach((flag, index) => documented.set(flag, variables![index] ?? ''));
    }
    const forTokens = new Set(['--agent', '--ttl']);
    assert.deepEqual(
      [...documented.keys()].sort(),
      CLI_SETTINGS.map((setting) => `--${setting.flag}`)
        .filter((flag) => !forTokens.has(flag))
        .sort(),
    );
    for (const setting of CLI_SETTINGS) {
      const variable = 'variable' in setting ? setting.variable : '';
      const line = help.split('\n').find((text) => text.startsWith(`  --${setting.flag} `) || text === `  --${setting.flag}` || text.startsWith(`  --${setting.flag}  `));
      assert.ok(line, `--help lists --${setting.flag}`);
      assert.ok(line.includes(variable), `--help gives --${setting.flag} its variable ${variable}`);
      if (!forTokens.has(`--${setting.flag}`)) assert.equal(documented.get(`--${setting.flag}`), variable, `docs/proxy.md gives --${setting.flag} the variable ${variable}`);
      // The parser knows every flag the table lists.
      try {
        readCliConfig(['--help', `--${setting.flag}`, ...('value' in setting ? ['1'] : [])], {});
      } catch (error) {
        assert.doesNotMatch((error as Error).message, /Unknown option/, setting.flag);
      }
    }
  });

  it('without a key: one line on stderr, exit 2', () => {
    const result = runOnce([]);
    assert.equal(result.status, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1);
    assert.match(result.stderr, /SUPERFONE_API_KEY is required/);
  });

  it('bad settings: a specific one-line error, exit 2', () => {
    assert.match(runOnce(['--simulate', '--port', 'eighty']).stderr, /PORT must be a whole number/);
    assert.match(runOnce(['--simulate', '--default-country', 'ZZ']).stderr, /not a known two-letter region/);
    assert.match(runOnce(['--simulate', '--bogus']).stderr, /Unknown option '--bogus'/);
    assert.equal(runOnce(['--simulate', '--timeout-ms', '-5']).status, 2);
  });

  it('listens on 127.0.0.1:8787 by default, as the README says; every address beyond loopback needs sign-in or --no-auth', () => {
    const env = { SUPERFONE_API_KEY: API_KEY };
    assert.deepEqual([readCliConfig([], env).host, readCliConfig([], env).port], ['127.0.0.1', 8787]);
    for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '::1']) assert.equal(readCliConfig(['--host', host], env).host, host);
    for (const host of ['0.0.0.0', '::', '[::]', '192.168.1.20', 'crm.example.com', '127.0.0.1.example.com']) {
      assert.throws(() => readCliConfig(['--host', host], env), new RegExp(`refusing to listen on ${host.replace(/[.[\]]/g, '\\$&')} with no one to check who calls`), host);
    }
    assert.equal(readCliConfig(['--host', '0.0.0.0', '--no-auth'], env).host, '0.0.0.0');
  });

  it('serves the proxy with the key from the environment, and never prints the key', async () => {
    const upstream = await startSuperfoneSimulator({ apiKey: API_KEY });
    try {
      const { child, output, port } = await startCliProxy({ SUPERFONE_API_KEY: API_KEY, SUPERFONE_API_BASE: upstream.apiBase });
      children.push(child);
      const response = await fetch(`http://127.0.0.1:${port}/api/superfone/call`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(startBody('080000 00001')),
      });
      const text = await response.text();
      assert.equal(response.status, 200);
      assert.equal(upstream.simulator.snapshot().requests[0]!.rawQuery.split('&')[0], 'customer_number=%2B918000000001');
      assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
      assert.equal((await fetch(`http://127.0.0.1:${port}/__superfone-simulator/state`)).status, 404, 'no simulator controls without --simulate');
      assertNoKey([text, output()]);
      assert.match(output(), /"outcome":"ok"/);
    } finally {
      await upstream.close();
    }
  });

  it('--simulate runs without a key', async () => {
    const { child, output, port } = await startCliProxy({}, ['--simulate']);
    children.push(child);
    assert.match(output(), /upstream: simulator at http:\/\/127\.0\.0\.1:\d+\/superfone\/api/);
    const response = await fetch(`http://127.0.0.1:${port}/api/superfone/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(startBody()),
    });
    assert.equal(response.status, 200);
    // The simulator's state beside the proxy, as the Vite plugin serves it: the call just placed is in it.
    const state = await (await fetch(`http://127.0.0.1:${port}/__superfone-simulator/state`)).json();
    assert.equal(state.requests.length, 1);
    // A prefix is a whole segment: this path is the proxy's to refuse, not the simulator's.
    const beside = await fetch(`http://127.0.0.1:${port}/__superfone-simulatorx/state`);
    assert.equal(beside.status, 404);
    assert.match((await beside.json()).error.message, /the call service is at \/api\/superfone\/call/);
  });

  it('a Redis it cannot reach stops the start: one line naming where, its password hidden, exit 2', async () => {
    const port = await freePort();
    const result = runOnce(['--simulate'], { SUPERFONE_REDIS_URL: `redis://:hunter2-redis-password@127.0.0.1:${port}` });
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`^superfone-proxy: could not connect to Redis at redis://\\*\\*\\*@127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
    assert.doesNotMatch(result.stderr + result.stdout, /hunter2/);
  });

  it('a port already taken stops the start with the system’s reason, exit 1', async () => {
    const first = await startCliProxy({}, ['--simulate']);
    children.push(first.child);
    const second = runOnce(['--simulate', '--port', String(first.port)]);
    assert.equal(second.status, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`^superfone-proxy: listen EADDRINUSE: address already in use 127\\.0\\.0\\.1:${first.port}\n$`));
  });

  it('--no-auth warns on stderr that anyone who reaches it can dial; beyond loopback, it says which host names are served', async () => {
    const { child, output, waitForOutput, port } = await startCliProxy({}, ['--simulate', '--no-auth', '--host', '0.0.0.0']);
    children.push(child);
    await waitForOutput(/only loopback names/);
    assert.ok(
      output().includes(
        `superfone-proxy: WARNING: --no-auth: anyone who can reach 0.0.0.0:${port} can make any agent's phone dial. Set SUPERFONE_JWT_SECRET or SUPERFONE_JWKS_URL.`,
      ),
      output(),
    );
    assert.ok(output().includes("superfone-proxy: only loopback names and the allowed origins' hosts are served; list the others in SUPERFONE_ALLOWED_HOSTS."), output());
    assert.doesNotMatch(output(), /no sign-in settings/, 'the warning replaces the loopback note');
    // On loopback without --no-auth or sign-in: the note, and no warning.
    const quiet = await startCliProxy({}, ['--simulate']);
    children.push(quiet.child);
    await quiet.waitForOutput(/no sign-in settings/);
    assert.ok(
      quiet.output().includes('superfone-proxy: no sign-in settings: loopback only, and any caller here may name any agent (set SUPERFONE_JWT_SECRET or SUPERFONE_JWKS_URL).'),
      quiet.output(),
    );
    assert.doesNotMatch(quiet.output(), /WARNING|only loopback names/);
  });

  it('superfone-simulator --help gives its defaults as docs/simulator.md does; a bad --talk-ms or --port is one line, exit 2', () => {
    const simulator = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/simulator/cli.ts', ...args], { env: cleanEnv, encoding: 'utf8', timeout: 20_000 });
    const help = simulator(['--help']);
    assert.equal(help.status, 0);
    assert.match(
      help.stdout,
      /Defaults: port 8788 \(or PORT\), host 127\.0\.0\.1, a random API key \(printed at start\), and a\ncustomer who answers after 2 s and hangs up after --talk-ms 60000 \("never": until END\)\./,
    );
    const talk = simulator(['--talk-ms', 'soon']);
    assert.equal(talk.status, 2);
    assert.equal(talk.stderr, 'superfone-simulator: --talk-ms must be a whole number of milliseconds, or never (got soon).\n');
    const port = simulator(['--port', '70000']);
    assert.equal(port.status, 2);
    assert.equal(port.stderr, 'superfone-simulator: --port must be a whole number from 0 to 65535.\n');
  });

  it('superfone-simulator runs on its own and prints its API base and key', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator/cli.ts', '--port', String(port), '--api-key', 'sim-key'], {
      env: cleanEnv,
    });
    children.push(child);
    let stdout = '';
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        if (stdout.includes('API key')) resolve();
      }),
    );
    assert.match(stdout, new RegExp(`API base http://127\\.0\\.0\\.1:${port}/superfone/api`));
    const response = await fetch(`http://127.0.0.1:${port}/superfone/api/customer/click-2-call?customer_number=%2B918000000001&user_number=%2B919876543210`, {
      headers: { 'X-API-Key': 'sim-key' },
    });
    assert.equal(response.status, 200);
  });
});

// npm test: every stage in order, stopping at the first failure, then one check over the
// whole suite's captured output that no API key used by the tests was ever printed.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runLostAgain } from './lost-results.mjs';

const STAGES = ['lint', 'typecheck', 'test:node', 'test:browser', 'test:e2e', 'test:package'];

/** Keys and notification secrets the tests hand to proxies, and the shape of every simulator-made key. */
const SECRETS = [
  /sf_live_SECRET_6f1c9a0b2e/,
  /jwt_test_secret_0123456789abcdef/,
  /another_secret_0123456789abcdef/,
  /sf_test_BROWSER_SECRET_41d7/,
  /sf_not_the_key/,
  /sf_wrong_key/,
  /sim_[0-9a-f]{36}/,
  /whsec_test_0123456789abcdef/,
  /whsec_readme_0123456789/,
];

/** The stages that run node:test, each with the folder of its tests. */
const NODE_TEST_FOLDERS = { 'test:node': 'test/node', 'test:e2e': 'test/e2e', 'test:package': 'test/package' };

/** A stage still running after this long has hung: it is stopped and counted as failed. */
const STAGE_TIMEOUT_MS = 20 * 60 * 1000;

function run(script) {
  return runCommand('npm', ['run', '--silent', script], script);
}

function runCommand(command, args, script = args.at(-1)) {
  return new Promise((resolve) => {
    let captured = '';
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const timer = setTimeout(() => {
      captured += `\n${script} ran past ${STAGE_TIMEOUT_MS / 60_000} minutes and was stopped.\n`;
      console.error(`\n${script} ran past ${STAGE_TIMEOUT_MS / 60_000} minutes and was stopped.`);
      process.kill(-child.pid, 'SIGKILL');
    }, STAGE_TIMEOUT_MS);
    child.stdout.on('data', (chunk) => {
      captured += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on('data', (chunk) => {
      captured += chunk;
      process.stderr.write(chunk);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, captured });
    });
  });
}

// Every recipe a test takes from the docs is written here as it is taken (test/support/packed-project.ts).
const taken = mkdtempSync(join(tmpdir(), 'superfone-recipes-'));
process.env.SUPERFONE_RECIPES_TAKEN = join(taken, 'taken.txt');

let output = '';
let passed = 0;
let failed = 0;
for (const stage of STAGES) {
  console.log(`\n── ${stage} ──`);
  const { code, captured } = await run(stage);
  output += captured;
  const again = code === 0 && NODE_TEST_FOLDERS[stage] ? await runLostAgain(captured, NODE_TEST_FOLDERS[stage], runCommand) : { ok: true, output: '' };
  output += again.output;
  if (code === 0 && again.ok) passed += 1;
  else {
    failed += 1;
    console.error(`\n${stage} failed (exit ${code}); later stages not run.`);
    break;
  }
}

/** Recipes in the README and docs/ that no test took while the whole suite ran. */
function recipesNotTaken() {
  const documents = [
    'README.md',
    ...readdirSync('docs')
      .filter((file) => file.endsWith('.md'))
      .map((file) => join('docs', file)),
  ];
  const named = documents.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/<!-- recipe: ([\w-]+) -->/g)].map((match) => match[1]));
  const file = process.env.SUPERFONE_RECIPES_TAKEN;
  const seen = new Set(existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []);
  return named.filter((name) => !seen.has(name));
}
if (passed === STAGES.length) {
  const notTaken = recipesNotTaken();
  console.log(
    notTaken.length === 0 ? '\nRecipes: every recipe in the README and docs/ was taken by a test that ran.' : `\nRecipes FAILED: no test that ran took ${notTaken.join(', ')}.`,
  );
  if (notTaken.length > 0) failed += 1;
}
rmSync(taken, { recursive: true, force: true });

const leaks = SECRETS.filter((secret) => secret.test(output));
console.log(
  leaks.length === 0
    ? `\nAPI-key leak check: ${output.length} bytes of test output, no API key in any of it.`
    : `\nAPI-key leak check FAILED: ${leaks.map(String).join(', ')} appeared in the test output.`,
);
if (leaks.length > 0) failed += 1;
console.log(`stages: ${passed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;

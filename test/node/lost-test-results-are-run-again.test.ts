// Node 20's runner can drop the rest of a file's results without failing (scripts/lost-results.mjs).
// npm test finds the suites that started and never ended, and the file each is in, to run it again.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';

import { filesOfSuite, runLostAgain, unfinishedSuites } from '../../scripts/lost-results.mjs';

// As CI printed it: the Hindi suite's last results never came, and no failure was counted.
const CI_OUTPUT = [
  '# Subtest: each word in each language says its own thing, with what it is about',
  '    # Subtest: en: every message with parameters shows each of them',
  '    ok 1 - en: every message with parameters shows each of them',
  'ok 4 - each word in each language says its own thing, with what it is about',
  '# Subtest: Hindi says what English says, entry by entry',
  '    # Subtest: errors.agent_not_found: डैशबोर्ड कॉलिंग · सेट नहीं',
  '    ok 44 - errors.agent_not_found: डैशबोर्ड कॉलिंग · सेट नहीं',
  '# Subtest: how a call went, in words',
  '    ok 1 - durations: minutes and seconds, each only when there are some, by Intl',
  'ok 5 - how a call went, in words',
  '# Subtest: a suite that failed',
  'not ok 6 - a suite that failed',
  '# Subtest: a suite skipped',
  'ok 7 - a suite skipped # SKIP',
].join('\n');

describe('lost test results are found and run again', () => {
  it('a top-level suite that started and never ended is lost; one that passed, failed or was skipped is not; nested lines are not top-level', () => {
    assert.deepEqual(unfinishedSuites(CI_OUTPUT), ['Hindi says what English says, entry by entry']);
    assert.deepEqual(unfinishedSuites(CI_OUTPUT.replace('# Subtest: Hindi', '# Subtest: Hindi').concat('\nok 9 - Hindi says what English says, entry by entry')), []);
    assert.deepEqual(unfinishedSuites(''), []);
  });

  it('the lost suite is found in the file that names it, and only there', () => {
    assert.deepEqual(filesOfSuite('Hindi says what English says, entry by entry', ['test/node/element', 'test/node/server']), [
      'test/node/element/hindi-says-what-english-says.test.ts',
    ]);
    assert.deepEqual(filesOfSuite('a suite no file has, 0b6f', ['test/node/element', 'test/node/server']), []);
  });

  /** Runs a command as npm test does, keeping what it printed. */
  const runCommand = (command: string, args: string[]) =>
    new Promise<{ code: number; captured: string }>((resolve) => {
      let captured = '';
      // Without this test's own runner context, as npm test's script runs it: a child that inherits it runs no files.
      const env = { ...process.env };
      delete env.NODE_TEST_CONTEXT;
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
      child.stdout.on('data', (chunk) => (captured += chunk));
      child.stderr.on('data', (chunk) => (captured += chunk));
      child.on('close', (code) => resolve({ code: code ?? 1, captured }));
    });

  it('the lost file is run again, really: it passes alone, so the stage counts; a suite no file names does not', { timeout: 60_000 }, async () => {
    const ran: string[][] = [];
    const again = await runLostAgain(CI_OUTPUT, 'test/node/element', (command, args) => (ran.push(args), runCommand(command, args)));
    assert.deepEqual(
      ran.map((args) => args.at(-1)),
      ['test/node/element/hindi-says-what-english-says.test.ts'],
    );
    assert.equal(again.ok, true, again.output);
    assert.match(again.output, /^ok \d+ - Hindi says what English says, entry by entry$/m);
    // A rerun that reports nothing (here: run inside this test's runner, which skips files) is no pass.
    const silent = await runLostAgain(
      CI_OUTPUT,
      'test/node/element',
      (command, args) =>
        new Promise((resolve) => {
          const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
          let captured = '';
          child.stdout.on('data', (chunk) => (captured += chunk));
          child.stderr.on('data', (chunk) => (captured += chunk));
          child.on('close', (code) => resolve({ code: code ?? 1, captured }));
        }),
    );
    assert.equal(silent.ok, false, silent.output);
    const nowhere = await runLostAgain('# Subtest: a suite no file has, 0b6f', 'test/node/element', runCommand);
    assert.equal(nowhere.ok, false);
    assert.deepEqual(await runLostAgain('# Subtest: x\nok 1 - x', 'test/node/element', runCommand), { ok: true, output: '' });
  });
});

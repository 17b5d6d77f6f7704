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
    // This file names it too, in its sample of CI's output, but declares no such suite: it is not run again (CI did, and failed on it).
    assert.deepEqual(filesOfSuite('Hindi says what English says, entry by entry', ['test/node']), ['test/node/element/hindi-says-what-english-says.test.ts']);
    // A name is found as its source writes it: with a typographic apostrophe, not a straight one.
    assert.deepEqual(filesOfSuite('the extension’s settings say what is wrong, field by field', ['test/node/extension']), [
      'test/node/extension/extension-settings-say-what-is-wrong.test.ts',
    ]);
    assert.deepEqual(filesOfSuite("the extension's settings say what is wrong, field by field", ['test/node/extension']), []);
  });

  /** Runs a command as npm test does, keeping what it printed. */
  const runCommand = (command: string, args: string[]) =>
    new Promise<{ code: number; captured: string }>((resolve) => {
      let captured = '';
      // Without this test's own runner context, as npm test's script runs it: a child that inherits it runs no files.
      const env = { ...process.env };
      delete env.NODE_TEST_CONTEXT;
      // Killed if it outlives the test: a rerun that hangs must not outlast the suite.
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env, timeout: 50_000 });
      child.stdout.on('data', (chunk) => (captured += chunk));
      child.stderr.on('data', (chunk) => (captured += chunk));
      child.on('close', (code) => resolve({ code: code ?? 1, captured }));
    });
  const SMALL = 'one small suite, run again when its results are lost';
  const LOST_SMALL = `# Subtest: ${SMALL}\n    ok 1 - adds`;

  it('the lost file is really run again, and counts when it reports its suite ok; a suite no file names does not count', { timeout: 60_000 }, async () => {
    const ran: string[] = [];
    const again = await runLostAgain(LOST_SMALL, 'test/fixtures/lost-results', (command, args) => (ran.push(args.at(-1)!), runCommand(command, args)));
    assert.deepEqual(ran, ['test/fixtures/lost-results/one-small-suite.test.ts']);
    assert.equal(again.ok, true, again.output);
    assert.match(again.output, new RegExp(`^ok \\d+ - ${SMALL}$`, 'm'));
    const nowhere = await runLostAgain('# Subtest: a suite no file has, 0b6f', 'test/fixtures/lost-results', runCommand);
    assert.equal(nowhere.ok, false);
    assert.deepEqual(await runLostAgain('# Subtest: x\nok 1 - x', 'test/fixtures/lost-results', runCommand), { ok: true, output: '' });
  });

  it('a rerun whose results are lost again is tried again, up to three times; one that fails is red at once; one that reports nothing three times is red', async () => {
    const ok = { code: 0, captured: `# Subtest: ${SMALL}\nok 1 - ${SMALL}\n` };
    const lostAgain = { code: 0, captured: `# Subtest: ${SMALL}\n` };
    const failed = { code: 1, captured: `# Subtest: ${SMALL}\nnot ok 1 - ${SMALL}\n` };
    // The runs are played here (each answer what a rerun printed): the real rerun is the test above.
    const playing = (answers: Array<{ code: number; captured: string }>) => {
      const calls: string[] = [];
      return { calls, run: async (_command: string, args: string[]) => (calls.push(args.at(-1)!), answers.shift()!) };
    };
    const twiceLostThenOk = playing([lostAgain, lostAgain, ok]);
    assert.equal((await runLostAgain(LOST_SMALL, 'test/fixtures/lost-results', twiceLostThenOk.run)).ok, true);
    assert.equal(twiceLostThenOk.calls.length, 3);
    const lostThenFailed = playing([lostAgain, failed, ok]);
    assert.equal((await runLostAgain(LOST_SMALL, 'test/fixtures/lost-results', lostThenFailed.run)).ok, false);
    assert.equal(lostThenFailed.calls.length, 2, 'a failure is not tried again');
    const alwaysLost = playing([lostAgain, lostAgain, lostAgain, ok]);
    assert.equal((await runLostAgain(LOST_SMALL, 'test/fixtures/lost-results', alwaysLost.run)).ok, false);
    assert.equal(alwaysLost.calls.length, 3);
  });
});

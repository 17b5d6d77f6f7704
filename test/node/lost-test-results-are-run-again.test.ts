// Node 20's runner can drop the rest of a file's results without failing (scripts/lost-results.mjs).
// npm test finds the suites that started and never ended, and the file each is in, to run it again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { filesOfSuite, unfinishedSuites } from '../../scripts/lost-results.mjs';

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
});

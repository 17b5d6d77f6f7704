import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { findChromium } from '../support/chromium.mjs';

describe('finding a Chromium for the browser tests', () => {
  it('CHROME_PATH wins when it names a file', () => {
    assert.equal(findChromium({ CHROME_PATH: process.execPath }, []), process.execPath);
  });

  it('CHROME_PATH naming nothing is an error, not a silent fallback', () => {
    assert.throws(() => findChromium({ CHROME_PATH: '/nowhere/chrome' }), /CHROME_PATH is set to \/nowhere\/chrome, but there is no file there/);
  });

  it('takes the first candidate that exists: Playwright’s own, then system browsers', () => {
    assert.equal(findChromium({}, [undefined, '/nowhere/chromium', process.execPath]), process.execPath);
  });

  it('with no browser at all, says how to get one', () => {
    assert.throws(
      () => findChromium({}, [undefined, '/nowhere/chromium']),
      (error: Error) => {
        assert.match(error.message, /apt-get install -y chromium/);
        assert.match(error.message, /npx playwright install chromium/);
        assert.match(error.message, /CHROME_PATH/);
        return true;
      },
    );
  });
});

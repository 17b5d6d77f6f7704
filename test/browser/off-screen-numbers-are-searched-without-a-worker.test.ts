import { expect } from '@open-wc/testing';

import { addRowsAndScan, detectingTable } from './detection-helpers.js';
import { until } from './helpers.js';

/**
 * Where no worker can run (a bundler that does not ship it, a CSP without `worker-src`, the
 * CDN build), the worker fails to load for real here (its script is not found), and
 * detection searches on the main thread in idle time: the same numbers, in document order.
 */
describe('detection without a worker', () => {
  it('the worker fails to load: every number is still found, and marked when scrolled to', async () => {
    const saved = window.Worker;
    let tried = 0;
    window.Worker = class extends saved {
      constructor(_url: string | URL, options?: WorkerOptions) {
        tried += 1;
        super('/no-such-worker.js', options);
      }
    };
    try {
      const { scope, body } = await detectingTable();
      await addRowsAndScan(scope, body, 0, 5000);
      expect(tried).to.equal(1);
      expect(scope.scanStats!.numbersFound).to.equal(5000);
      for (const row of [body.rows[2500]!, body.rows[4999]!]) {
        row.scrollIntoView();
        await until(() => row.querySelector('a[data-superfone-detected]') !== null, 'the row to be marked once scrolled to');
      }
    } finally {
      window.Worker = saved;
      window.scrollTo(0, 0);
    }
  });
});

import { expect } from '@open-wc/testing';

import { addRowsAndScan, detectingTable } from './detection-helpers.js';
import { until } from './helpers.js';

/**
 * Parsing thousands of numbers off screen is the biggest part of detection's work on a big
 * page; it runs in a worker, and the main thread only walks the page and marks what is near
 * the screen. (This file's page starts the worker; the file beside it has none.)
 */
describe('detection searches off-screen text in a worker', () => {
  it('a table of 100 rows starts the worker, once however big the table grows, and it finds every number; the last row is marked once scrolled to', async () => {
    const saved = window.Worker;
    const started: string[] = [];
    // The real Worker, watched: which script detection starts.
    window.Worker = class extends saved {
      constructor(url: string | URL, options?: WorkerOptions) {
        started.push(String(url));
        super(url, options);
      }
    };
    try {
      const { scope, body } = await detectingTable();
      // Past 64 candidate texts at once (docs/performance.md), the off-screen ones go to the worker.
      await addRowsAndScan(scope, body, 0, 100);
      expect(
        started.filter((url) => url.includes('number-search-worker')),
        'started by 100 rows',
      ).to.have.length(1);
      await addRowsAndScan(scope, body, 100, 1900);
      await addRowsAndScan(scope, body, 2000, 1000);
      expect(started.filter((url) => url.includes('number-search-worker'))).to.have.length(1);
      expect(scope.scanStats!.numbersFound).to.equal(3000);
      const last = body.rows[2999]!;
      last.scrollIntoView();
      await until(() => last.querySelector('a[data-superfone-detected]') !== null, 'the last row to be marked once scrolled to');
      expect(last.querySelector('a')!.getAttribute('href')).to.equal('tel:+919845002999');
    } finally {
      window.Worker = saved;
      window.scrollTo(0, 0);
    }
  });
});

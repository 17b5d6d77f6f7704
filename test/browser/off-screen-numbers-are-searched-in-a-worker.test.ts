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
    let messages = 0;
    // The real Worker, watched: which script detection starts, and how often it is asked.
    window.Worker = class extends saved {
      constructor(url: string | URL, options?: WorkerOptions) {
        started.push(String(url));
        super(url, options);
      }
      override postMessage(message: unknown, options?: Transferable[] | StructuredSerializeOptions) {
        messages += 1;
        super.postMessage(message, options as StructuredSerializeOptions);
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
      const askedFor100 = messages;
      expect(askedFor100, 'asked about the first 100 rows').to.be.greaterThan(0);
      // 1,900 rows at once go in few messages (batches of up to 2,000 texts), not one per row or two.
      await addRowsAndScan(scope, body, 100, 1900);
      expect(messages - askedFor100, 'messages for 1,900 rows added at once').to.be.within(1, 2);
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

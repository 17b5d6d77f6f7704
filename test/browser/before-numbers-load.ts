// For tests that see controls before number handling loads: imports nothing that loads it
// (helpers.ts does, at once), so each such test file runs in a page where it has not.
import '../../src/index.js';

import type { SuperfoneCallButton } from '../../src/index.js';
import { TEST_ROUTES } from '../support/test-routes.js';

/** A control for `customerNumber`, put in the page as server-rendered markup would be. */
export function control(customerNumber: string): SuperfoneCallButton {
  const element = document.createElement('superfone-call-button');
  element.setAttribute('customer-number', customerNumber);
  element.setAttribute('agent-number', '+919876543210');
  element.setAttribute('proxy-url', TEST_ROUTES.proxy);
  document.body.append(element);
  return element;
}

/** Resolves once `check` holds; rejects after five seconds, saying what was awaited. */
export async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

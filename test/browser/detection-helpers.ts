import { fixture, html } from '@open-wc/testing';

import type { SuperfoneClickToCall } from '../../src/index.js';
import { ASHA } from './helpers.js';

/** Appends `count` contact rows, as a CRM renders a page of them: a name, a mobile number (98450 0…), an invoice ID. */
export function fillRows(body: HTMLTableSectionElement, from: number, count: number): void {
  const rows = Array.from({ length: count }, (_, offset) => {
    const index = from + offset;
    const mobile = String(9845000000 + index);
    return `<tr><td>Lead ${index}</td><td>${mobile.slice(0, 5)} ${mobile.slice(5)}</td><td>INV-2024-${String(index).padStart(6, '0')}</td></tr>`;
  });
  body.insertAdjacentHTML('beforeend', rows.join(''));
}

/** A detecting scope around an empty table, as a CRM's list page starts. */
export async function detectingTable(): Promise<{ scope: SuperfoneClickToCall; body: HTMLTableSectionElement }> {
  const scope = await fixture<SuperfoneClickToCall>(html`<superfone-click-to-call detect agent-number=${ASHA}><table><tbody></tbody></table></superfone-click-to-call>`);
  await scope.scanComplete();
  return { scope, body: scope.querySelector('tbody')! };
}

/** Adds rows as a page of results arrives, and waits until detection has searched them. */
export async function addRowsAndScan(scope: SuperfoneClickToCall, body: HTMLTableSectionElement, from: number, count: number): Promise<void> {
  fillRows(body, from, count);
  // The observer hears of the rows in a microtask; the scan starts from there.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await scope.scanComplete();
}

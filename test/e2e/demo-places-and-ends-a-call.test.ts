import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright';

import { launchChromium } from '../support/chromium.mjs';
import { startDemo } from '../support/demo-server.js';

// The demo as `npm start` serves it: the project's vite.config.ts, simulator upstream.
describe('the demo CRM page, in Chromium', () => {
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    demo = await startDemo();
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(demo.url);
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).waitFor();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  const row = (name: string) => page.locator('tr', { hasText: name });
  const callControl = (name: string) => row(name).locator('superfone-call-button');

  it('shows the contacts with their numbers as recorded, and a control each', async () => {
    assert.equal(await page.locator('#contacts tr').count(), 8);
    assert.equal(await page.locator('#contacts superfone-call-button').count(), 8);
    assert.equal(await row('Sunita Reddy').locator('.recorded-number').textContent(), '(080) 2345-6789');
  });

  it('places a call from the table, the agent’s phone shows it, the log records it', async () => {
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).click();
    await page.getByRole('button', { name: 'End call with +91 80000 00001' }).waitFor();
    assert.equal(await callControl('Priya Nair').getAttribute('state'), 'active');
    await page.locator('#phone-screen', { hasText: 'On a call with +91 80000 00001' }).waitFor();
    await page.locator('#event-log li', { hasText: 'superfone-call-started' }).waitFor();
    assert.match((await page.locator('#notifications li').first().textContent())!, /START \+91 80000 00001 → \+91 98765 43210 delivered/);
  });

  it('ends the call from the table', async () => {
    await page.getByRole('button', { name: 'End call with +91 80000 00001' }).click();
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).waitFor();
    assert.equal(await callControl('Priya Nair').getAttribute('state'), 'idle');
    await page.locator('#event-log li', { hasText: 'superfone-call-ended' }).waitFor();
    await page.locator('#phone-screen', { hasText: 'idle, waiting for a call request' }).waitFor();
  });

  it('the simulated customer answers and hangs up: the row is back to Call, says "Call ended · 7 sec", and the log shows the record', async () => {
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).click();
    await page.getByRole('button', { name: 'End call with +91 80000 00001' }).waitFor();
    const control = callControl('Priya Nair');
    await control.locator('[part="message"]', { hasText: 'Call ended · 7 sec' }).waitFor({ timeout: 20_000 });
    assert.equal(await control.getAttribute('state'), 'idle');
    await control.getByRole('button', { name: 'Call +91 80000 00001' }).waitFor();
    const completed = page.locator('#event-log li', { hasText: 'superfone-call-completed' }).first();
    await completed.waitFor();
    assert.match((await completed.textContent())!, /"status":"answered".*"durationSec":7/);
    assert.match((await page.locator('#event-log li', { hasText: 'superfone-call-ended' }).first().textContent())!, /"reason":"completed"/);
    // The panel shows what the simulated Superfone reported to the proxy's webhook.
    await page.locator('#notifications li', { hasText: /^ALL_CALLS ANSWERED \+91 80000 00001, 7 s → webhook 200$/ }).waitFor();
    // Then the simulated Superfone reports the recording and the summary, and the page hears them.
    await page.locator('#notifications li', { hasText: /^CDR_SUMMARY_READY \+91 80000 00001 → webhook 200$/ }).waitFor({ timeout: 15_000 });
    const recording = page.locator('#event-log li', { hasText: 'superfone-call-recording' }).first();
    await recording.waitFor({ timeout: 20_000 });
    assert.match((await recording.textContent())!, /"recordingUrl":"https:\/\/recordings\.simulator\.invalid\/sim-cdr-\d+\.mp3\?X-Amz-Date=/);
    const summary = page.locator('#event-log li', { hasText: 'superfone-call-summary' }).first();
    await summary.waitFor({ timeout: 20_000 });
    assert.match((await summary.textContent())!, /"summary":"The customer \(\+918000000001\) asked for a quote/);
  });

  it('"Does not answer", chosen in the panel: the row says "No answer"', async () => {
    await page.locator('#outcome').selectOption('missed');
    try {
      const control = callControl('Sunita Reddy');
      await control.getByRole('button', { name: /^Call / }).click();
      await control.locator('[part="message"]', { hasText: 'No answer' }).waitFor({ timeout: 20_000 });
      assert.equal(await control.getAttribute('state'), 'idle');
      assert.match((await page.locator('#event-log li', { hasText: 'superfone-call-ended' }).first().textContent())!, /"reason":"missed"/);
    } finally {
      await page.locator('#outcome').selectOption('hangs-up');
    }
  });

  it('vetoes a do-not-call contact through superfone-call-start', async () => {
    await page.getByRole('button', { name: 'Call +91 97400 11223' }).click();
    await page.locator('#event-log li', { hasText: 'vetoed by the page' }).waitFor();
    assert.equal(await callControl('Kavya Pillai').getAttribute('state'), 'idle');
  });

  it('marks an unusable number invalid and says why', async () => {
    const control = callControl('Unknown lead');
    assert.equal(await control.getAttribute('invalid'), '');
    assert.match((await control.locator('[part="message"]').textContent())!, /“12345” is not a valid phone number/);
  });

  it('shows a readable error when the agent’s app is offline', async () => {
    await page.locator('#agent').selectOption('+919900011122');
    const control = callControl('Arjun Mehta');
    await control.getByRole('button', { name: 'Call +91 98450 12345' }).click();
    await page.waitForFunction((element) => element?.getAttribute('state') === 'error', await control.elementHandle());
    assert.match((await control.locator('[part="message"]').textContent())!, /Superfone app did not receive the call request/);
    await page.locator('#agent').selectOption('+919876543210');
  });

  it('has no accessibility violations (axe-core)', async () => {
    const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
    await page.addScriptTag({ path: axePath });
    const violations = await page.evaluate(async () => {
      const result = await (window as unknown as { axe: { run: (context: Document) => Promise<{ violations: Array<{ id: string; nodes: unknown[] }> }> } }).axe.run(document);
      return result.violations.map((violation) => `${violation.id} (${violation.nodes.length})`);
    });
    assert.deepEqual(violations, []);
  });

  it('switches to Hindi and back from the language picker: the controls and their messages follow', async () => {
    await page.locator('#language').selectOption('hi');
    await page.getByRole('button', { name: '+91 80000 00001 को कॉल करें' }).waitFor();
    assert.match((await callControl('Unknown lead').locator('[part="message"]').textContent())!, /“12345” सही फ़ोन नंबर नहीं है/);
    await page.locator('#language').selectOption('en');
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).waitFor();
  });

  it('raised no page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';

import type { Browser, BrowserContext, Page } from 'playwright';

import { launchChromium } from '../support/chromium.mjs';
import { startDemo } from '../support/demo-server.js';

// Two tabs are two pages of one browser context: one origin, one localStorage, one BroadcastChannel.
describe('one active call per agent, across tabs and reloads, in the demo', () => {
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let browser: Browser;
  let context: BrowserContext;
  let url: string;

  before(async () => {
    demo = await startDemo();
    url = demo.url;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });
  beforeEach(async () => {
    await context?.close();
    context = await browser.newContext();
    await fetch(`${url}__superfone-simulator/reset`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  });

  async function openTab(): Promise<Page> {
    const page = await context.newPage();
    await page.goto(url);
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).waitFor();
    return page;
  }
  const control = (page: Page, name: string) => page.locator('#contacts tr', { hasText: name }).locator('superfone-call-button');
  const stateOf = (page: Page, name: string) => control(page, name).getAttribute('state');

  it('a call in one tab makes the agent busy in the other, which can end it', async () => {
    const first = await openTab();
    const second = await openTab();
    await first.getByRole('button', { name: 'Call +91 80000 00001' }).click();
    await first.getByRole('button', { name: 'End call with +91 80000 00001' }).waitFor();

    const arjunInSecond = control(second, 'Arjun Mehta');
    await second.waitForFunction((element) => element!.hasAttribute('agent-busy'), await arjunInSecond.elementHandle());
    assert.match((await arjunInSecond.locator('[part~="message"]').textContent())!, /On a call with \+91 80000 00001/);
    // The same customer's control in the other tab offers End, not a second call.
    assert.equal(await stateOf(second, 'Priya Nair'), 'active');

    await arjunInSecond.getByRole('button', { name: 'End current call' }).click();
    await first.waitForFunction((element) => element!.getAttribute('state') === 'idle', await control(first, 'Priya Nair').elementHandle());
    await second.waitForFunction((element) => !element!.hasAttribute('agent-busy'), await arjunInSecond.elementHandle());
    const state = (await (await fetch(`${url}__superfone-simulator/state`)).json()) as { notifications: Array<{ action: string }> };
    assert.deepEqual(
      state.notifications.map((note) => note.action),
      ['START', 'END'],
    );
  });

  // Other contacts than Priya's: the proxy allows 6 STARTs to one number per 30 minutes.
  it('when the customer hangs up, both tabs see it: the caller’s row says how long, the other tab’s agent is free', async () => {
    const first = await openTab();
    const second = await openTab();
    await control(first, 'Fatima Sheikh').getByRole('button', { name: 'Call +91 99000 12345' }).click();
    await control(first, 'Fatima Sheikh').getByRole('button', { name: 'End call with +91 99000 12345' }).waitFor();
    const arjunInSecond = control(second, 'Arjun Mehta');
    await second.waitForFunction((element) => element!.hasAttribute('agent-busy'), await arjunInSecond.elementHandle());
    // The demo's simulated customer hangs up after 7 s; nobody clicks End.
    await control(first, 'Fatima Sheikh').locator('[part="message"]', { hasText: 'Call ended · 7 sec' }).waitFor({ timeout: 20_000 });
    await second.waitForFunction((element) => !element!.hasAttribute('agent-busy'), await arjunInSecond.elementHandle(), { timeout: 5_000 });
    assert.equal(await stateOf(second, 'Fatima Sheikh'), 'idle');
    const state = (await (await fetch(`${url}__superfone-simulator/state`)).json()) as { notifications: Array<{ action: string }> };
    assert.deepEqual(
      state.notifications.map((note) => note.action),
      ['START'],
      'no END was needed',
    );
  });

  it('a tab reloaded during the call catches up when the record arrives', async () => {
    const page = await openTab();
    await control(page, 'Rahul Verma').getByRole('button', { name: 'Call +91 98450 98450' }).click();
    await control(page, 'Rahul Verma').getByRole('button', { name: 'End call with +91 98450 98450' }).waitFor();
    await page.reload();
    await control(page, 'Rahul Verma').getByRole('button', { name: 'End call with +91 98450 98450' }).waitFor();
    await control(page, 'Rahul Verma').locator('[part="message"]', { hasText: 'Call ended · 7 sec' }).waitFor({ timeout: 20_000 });
    await page.locator('#event-log li', { hasText: 'superfone-call-completed' }).waitFor();
  });

  it('an active call survives a reload: the control shows End, and ending works', async () => {
    const page = await openTab();
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).click();
    await page.getByRole('button', { name: 'End call with +91 80000 00001' }).waitFor();
    await page.reload();
    const end = page.getByRole('button', { name: 'End call with +91 80000 00001' });
    await end.waitFor();
    await end.click();
    await page.getByRole('button', { name: 'Call +91 80000 00001' }).waitFor();
    assert.equal(await stateOf(page, 'Priya Nair'), 'idle');
  });

  it('detected numbers, tel: links and rows loaded later call through Superfone', async () => {
    const page = await openTab();
    const notes = page.locator('.note').first();
    // A detected number is a link; clicked, it becomes a control that shows the call.
    await notes.getByRole('link', { name: 'Call 098450 12345' }).click();
    await notes.getByRole('link', { name: 'End call with 098450 12345' }).waitFor();
    await page.locator('#phone-screen', { hasText: 'On a call with +91 98450 12345' }).waitFor();
    await notes.getByRole('link', { name: 'End call with 098450 12345' }).click();
    await notes.getByRole('link', { name: 'Call 098450 12345' }).waitFor();

    // Nothing but phone numbers became call links in the notes.
    const detectedInNote = await notes.locator('a[data-superfone-detected]').allTextContents();
    assert.deepEqual(detectedInNote, ['098450 12345', '(080) 2345-6789 ext. 204']);

    await page.getByRole('link', { name: 'tel: link to Rahul' }).click();
    await page.locator('#phone-screen', { hasText: 'On a call with +91 98450 98450' }).waitFor();
    assert.equal(page.url(), url, 'the tel: link did not leave the page');
    await page.getByRole('link', { name: 'tel: link to Rahul' }).click();
    await page.locator('#phone-screen', { hasText: 'idle' }).waitFor();

    await page.locator('#load-leads').click();
    await page.locator('#leads').getByRole('link', { name: 'Call 99000 23456' }).waitFor();
    const shadowNumber = page.locator('demo-legacy-card').getByRole('link', { name: 'Call 022-2345 6789' });
    await shadowNumber.waitFor();
  });
});

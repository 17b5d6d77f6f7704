// Refreshes the README's pictures: docs/demo.png, the demo mid-call as a newcomer sees it;
// docs/demo-call-ended.png, the same row once the simulated customer has hung up;
// docs/demo-hi.png, the demo in Hindi mid-call; docs/forced-colors-focus.png, a focused
// control in Windows-style forced colors (high contrast).
import type { Page } from 'playwright';

import { launchChromium } from '../test/support/chromium.mjs';
import { startDemo } from '../test/support/demo-server.js';

/** From the top of the page, as a newcomer first sees it. */
async function shoot(page: Page, path: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path });
  console.log(`wrote ${path}`);
}

const demo = await startDemo();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1180 } });
  await page.goto(demo.url);
  await page.getByRole('button', { name: 'Call +91 80000 00001' }).click();
  await page.getByRole('button', { name: 'End call with +91 80000 00001' }).waitFor();
  await page.locator('#load-leads').click();
  await page.locator('#leads a[data-superfone-detected]').waitFor();
  await page.locator('#phone-screen', { hasText: 'On a call with' }).waitFor();
  await shoot(page, 'docs/demo.png');
  // The simulated customer hangs up after 7 s; Superfone's report reaches the page.
  await page.locator('superfone-call-button [part="message"]', { hasText: 'Call ended · 7 sec' }).first().waitFor({ timeout: 20_000 });
  await page.locator('#event-log li', { hasText: 'superfone-call-completed' }).waitFor();
  await page.locator('#phone-screen', { hasText: 'idle, waiting for a call request' }).waitFor();
  await page.locator('#notifications li', { hasText: 'ALL_CALLS ANSWERED' }).waitFor();
  await shoot(page, 'docs/demo-call-ended.png');

  const hindi = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await hindi.goto(`${demo.url}?lang=hi`);
  await hindi.getByRole('button', { name: '+91 80000 00001 को कॉल करें' }).click();
  await hindi.getByRole('button', { name: '+91 80000 00001 से कॉल काटें' }).waitFor();
  await shoot(hindi, 'docs/demo-hi.png');

  const contrast = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await contrast.emulateMedia({ forcedColors: 'active' });
  await contrast.goto(demo.url);
  const first = contrast.getByRole('button', { name: 'Call +91 80000 00001' });
  await first.focus();
  await contrast.keyboard.press('Shift+Tab');
  await contrast.keyboard.press('Tab');
  await contrast.locator('.contacts table').screenshot({ path: 'docs/forced-colors-focus.png' });
  console.log('wrote docs/forced-colors-focus.png');
} finally {
  await browser.close();
  await demo.close();
}

// Finds a Chromium for the browser tests, most explicit choice first, and says how to
// get one when there is none: a fresh machine has no browser, and Playwright downloads
// none at install.
import { existsSync } from 'node:fs';

import { chromium } from 'playwright';

/** Flags that keep headless Chromium from stalling on a closed network or as root. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const SYSTEM_BROWSERS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Where `npx playwright install chromium` puts its browser, whether or not it is there. */
function playwrightOwnChromium() {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {Array<string | undefined>} candidates Playwright's own browser, then system ones.
 */
export function findChromium(env = process.env, candidates = [playwrightOwnChromium(), ...SYSTEM_BROWSERS]) {
  const fromEnv = env.CHROME_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROME_PATH is set to ${fromEnv}, but there is no file there.`);
  }
  for (const candidate of candidates) {
    if (candidate && existsSync(candidate)) return candidate;
  }
  throw new Error(
    'No Chromium found for the browser tests. Get one with `sudo apt-get install -y chromium` ' +
      '(Debian/Ubuntu) or `npx playwright install chromium`, or point CHROME_PATH at a Chrome or Chromium binary.',
  );
}

/** Launches headless Chromium through Playwright with the flags above. */
export function launchChromium() {
  return chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
}

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Browser } from 'playwright';

import { launchChromium } from '../support/chromium.mjs';
import { REAL_CASES } from '../support/matcher-suite.js';
import { installPackedTarball, type PackedProject } from '../support/packed-project.js';

/**
 * libphonenumber's matcher suite and the Indian-script lines, measured from outside: each
 * case's text in a page that loads the CDN build from the packed tarball, inside a
 * `<superfone-click-to-call detect>` with the case's default country, and read back as the
 * marks the page shows. The reference is the libphonenumber-js the tarball installs.
 */
describe("detection from the packed tarball, in a page, on libphonenumber's matcher suite", { timeout: 180_000 }, () => {
  let packed: PackedProject;
  let server: Server;
  let browser: Browser;
  let findNumbers: (text: string, options: { defaultCountry: string; v2: true }) => Array<{ startsAt: number; endsAt: number }>;

  before(async () => {
    packed = installPackedTarball();
    const installed = join(packed.dir, 'node_modules/superfone-call-button');
    ({ findNumbers } = await import(join(packed.dir, 'node_modules/libphonenumber-js/max/index.js')));
    const countries = [...new Set(REAL_CASES.map((matcherCase) => matcherCase.country))];
    const page = `<!doctype html><html lang="en"><meta charset="utf-8"><title>cases</title>
<script type="module" src="/cdn/superfone-call-button.js"></script>
${countries.map((country) => `<superfone-click-to-call detect agent-number="+919876543210" default-country="${country}" data-country="${country}"></superfone-click-to-call>`).join('\n')}
<script type="module">
  const cases = await (await fetch('/cases.json')).json();
  cases.forEach(({ text, country }, index) => {
    const line = document.createElement('p');
    line.dataset.case = String(index);
    line.textContent = text;
    document.querySelector('[data-country="' + country + '"]').append(line);
  });
</script></html>`;
    server = createServer((req, res) => {
      if (req.url === '/') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
      if (req.url === '/cases.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(REAL_CASES));
      try {
        const body = readFileSync(join(installed, req.url!.split('?')[0]!));
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    server?.close();
    packed?.remove();
  });

  it('is right on every case libphonenumber-js gets right, and on every Indian-script line', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      // Every scope has scanned, and marked what it found, near the screen or not.
      const marks = await page.evaluate(async (count) => {
        type Scope = HTMLElement & { scanComplete(): Promise<void>; scanStats: { numbersFound: number; numbersMarked: number } };
        await customElements.whenDefined('superfone-click-to-call');
        while (document.querySelectorAll('p[data-case]').length < count) await new Promise((resolve) => setTimeout(resolve, 20));
        const scopes = [...document.querySelectorAll<Scope>('superfone-click-to-call')];
        await Promise.all(scopes.map((scope) => scope.scanComplete()));
        const deadline = Date.now() + 20_000;
        while (scopes.some((scope) => scope.scanStats.numbersMarked < scope.scanStats.numbersFound) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        // By case: the lines stand in their country's scope, not in the cases' order.
        const byCase: string[][] = [];
        for (const line of document.querySelectorAll<HTMLElement>('p[data-case]')) {
          byCase[Number(line.dataset.case)] = [...line.querySelectorAll('a[data-superfone-detected]')].map((mark) => mark.textContent ?? '');
        }
        return byCase;
      }, REAL_CASES.length);
      let ours = 0;
      let reference = 0;
      const behind: string[] = [];
      REAL_CASES.forEach(({ text, country, expected, from }, index) => {
        const theirs = findNumbers(text, { defaultCountry: country, v2: true }).map(({ startsAt, endsAt }) => text.slice(startsAt, endsAt));
        const same = (found: string[]) => JSON.stringify(found) === JSON.stringify(expected);
        if (same(marks[index]!)) ours++;
        if (same(theirs)) reference++;
        if ((same(theirs) || from.startsWith('Indian scripts')) && !same(marks[index]!)) {
          behind.push(`${country} ${JSON.stringify(text)}: expected ${JSON.stringify(expected)}, marked ${JSON.stringify(marks[index])}`);
        }
      });
      console.log(`matcher suite from the packed tarball, in a page: ${REAL_CASES.length} cases; marked right ${ours}, libphonenumber-js right ${reference}`);
      assert.deepEqual(behind, []);
    } finally {
      await page.close();
    }
  });
});

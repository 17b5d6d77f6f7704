// npm run bench:detection: the main thread's busy time (Chromium's own TaskDuration counter)
// while detection processes a generated 5,000-row contacts table, beside what the same table
// costs a bare TreeWalker and one pass of RingCentral C2D's matcher, each on a fresh page in
// the same run; how long the main thread is blocked at a time; and how soon the rows on
// screen are callable.
import type { Page } from 'playwright';

import { findPhoneNumbers } from '../src/scope/detection/find-phone-numbers.js';
import { launchChromium } from '../test/support/chromium.mjs';
import { scoreMatcherSuite } from '../test/support/matcher-suite.js';
import { serveBundlePages } from './support/bundle-pages.js';

const ROWS = 5000;
const RUNS = 3;
const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module" src="/element.js"></script>
<superfone-click-to-call detect agent-number="+919876543210" id="warm-up"><p>Warm-up 98450 12345</p></superfone-click-to-call>
<superfone-click-to-call agent-number="+919876543210" id="table"><table><tbody></tbody></table></superfone-click-to-call>`;

const pages = await serveBundlePages((path) => (path === '/' ? PAGE : undefined), {
  entries: { 'ringcentral-matcher': 'bench/references/ringcentral-matcher.ts' },
});
const browser = await launchChromium();

/** Opens the page with the table built and laid out, and the code each contender needs loaded. */
async function tablePage({ worker = true } = {}): Promise<{ page: Page; busyMs: () => Promise<number> }> {
  const page = await browser.newPage();
  // Without the worker's file, as a page whose bundler did not ship it: detection parses on the main thread.
  if (!worker) await page.route('**/number-search-worker.js', (route) => route.fulfill({ status: 404 }));
  await page.goto(pages.base);
  await page.evaluate(async (rows) => {
    await customElements.whenDefined('superfone-click-to-call');
    // Number handling and detection are loaded before the clock starts, as RingCentral's matcher is.
    await (document.getElementById('warm-up') as HTMLElement & { scanComplete(): Promise<void> }).scanComplete();
    (window as unknown as { ringcentral: unknown }).ringcentral = await import(`${location.origin}/ringcentral-matcher.js`);
    const html: string[] = [];
    for (let index = 0; index < rows; index++) {
      const mobile = String(9845000000 + index);
      html.push(
        `<tr><td>Lead ${index}</td><td>lead${index}@example.com</td><td>${mobile.slice(0, 5)} ${mobile.slice(5)}</td>` +
          `<td>INV-2024-${String(index).padStart(6, '0')}</td><td>15/03/2024</td><td>₹${(index * 137) % 100000}.00</td></tr>`,
      );
    }
    document.querySelector('tbody')!.innerHTML = html.join('');
    void document.body.offsetHeight; // the page's first layout of the table, before any clock
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50)));
  }, ROWS);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const taskSeconds = async () => (await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'TaskDuration')!.value;
  const before = await taskSeconds();
  return { page, busyMs: async () => ((await taskSeconds()) - before) * 1000 };
}

/** What one changed cell costs the page itself: the table restyled, relaid out and repainted, with no detection at all. */
async function oneCellChange(): Promise<number> {
  const { page, busyMs } = await tablePage();
  try {
    await page.evaluate(async () => {
      (document.querySelector('#table td') as HTMLElement).textContent = 'Lead 0 ';
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    });
    return await busyMs();
  } finally {
    await page.close();
  }
}

async function bareWalk(): Promise<number> {
  const { page, busyMs } = await tablePage();
  try {
    const withDigits = await page.evaluate(() => {
      const walker = document.createTreeWalker(document.getElementById('table')!, NodeFilter.SHOW_TEXT);
      let count = 0;
      while (walker.nextNode()) if (/\d/.test((walker.currentNode as Text).data)) count++;
      return count;
    });
    if (withDigits === 0) throw new Error('nothing to walk');
    return await busyMs();
  } finally {
    await page.close();
  }
}

async function ringCentralPass(): Promise<{ busyMs: number; matches: number }> {
  const { page, busyMs } = await tablePage();
  try {
    const matches = await page.evaluate(() => {
      type Matcher = { match(props: { node: Node; validate: boolean }): unknown[] | undefined };
      const { LibPhoneNumberMatcher } = (window as unknown as { ringcentral: { LibPhoneNumberMatcher: new (props: object) => Matcher } }).ringcentral;
      return new LibPhoneNumberMatcher({ countryCode: 'IN' }).match({ node: document.getElementById('table')!, validate: false })?.length ?? 0;
    });
    return { busyMs: await busyMs(), matches };
  } finally {
    await page.close();
  }
}

interface DetectionRun {
  busyMs: number;
  found: number;
  marked: number;
  markedAfterScroll: boolean;
  onScreenMs: number;
  lastRowMarkedThen: boolean;
  doneMs: number;
  allMarkedMs: number;
  longestTaskMs: number;
  longTasks: number;
  longestSliceMs: number;
  slices: number;
  /** The longest script of a long animation frame, its forced restyle and relayout left out: our own work. */
  longestScriptMs: number;
  /** The longest restyle and relayout of a long animation frame: the page's, after our marks. */
  longestRenderMs: number;
}

async function detection(options: { worker?: boolean } = {}): Promise<DetectionRun> {
  const { page, busyMs } = await tablePage(options);
  try {
    const run = await page.evaluate(async () => {
      const scope = document.getElementById('table') as HTMLElement & {
        detect: boolean;
        scanComplete(): Promise<void>;
        scanStats: { longestSliceMs: number; slices: number; numbersFound: number; numbersMarked: number };
      };
      const longTasks: number[] = [];
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (entry.startTime >= scanStart) longTasks.push(entry.duration);
      });
      observer.observe({ type: 'longtask', buffered: false });
      // Long animation frames say what a long task was made of: scripts (ours) or the frame's restyle and relayout.
      let longestScriptMs = 0;
      let longestRenderMs = 0;
      type Frame = PerformanceEntry & { renderStart: number; scripts: Array<{ duration: number; forcedStyleAndLayoutDuration: number }> };
      const frames = new PerformanceObserver((list) => {
        for (const frame of list.getEntries() as Frame[]) {
          if (frame.startTime < scanStart) continue;
          for (const script of frame.scripts) longestScriptMs = Math.max(longestScriptMs, script.duration - script.forcedStyleAndLayoutDuration);
          if (frame.renderStart) longestRenderMs = Math.max(longestRenderMs, frame.startTime + frame.duration - frame.renderStart);
        }
      });
      frames.observe({ type: 'long-animation-frame', buffered: false });
      // Headless Chromium draws a frame only when one is asked for; a visible tab draws one every
      // vsync while the page changes. This loop asks, so styling is spread over frames as it would be.
      let onScreenMs = 0;
      let lastRowMarkedThen = true;
      const firstRow = scope.querySelector('tr')!;
      const lastRow = scope.querySelector('tr:last-child')!;
      const drawing = setInterval(
        () =>
          requestAnimationFrame(() => {
            if (onScreenMs === 0 && firstRow.querySelector('a[data-superfone-detected]')) {
              onScreenMs = performance.now() - scanStart;
              lastRowMarkedThen = lastRow.querySelector('a[data-superfone-detected]') !== null;
            }
          }),
        16,
      );
      const scanStart = performance.now();
      scope.detect = true;
      await scope.scanComplete();
      // Let the last marks be styled and laid out before the clock stops.
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      const doneMs = performance.now() - scanStart;
      // The rest are marked in idle time: every number a link a screen reader lists.
      while (scope.scanStats.numbersMarked < scope.scanStats.numbersFound && performance.now() - scanStart < 30_000) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      const allMarkedMs = performance.now() - scanStart;
      clearInterval(drawing);
      await new Promise((resolve) => setTimeout(resolve, 100));
      observer.disconnect();
      frames.disconnect();
      const { numbersFound, numbersMarked, longestSliceMs, slices } = scope.scanStats;
      return {
        found: numbersFound,
        marked: numbersMarked,
        onScreenMs,
        lastRowMarkedThen,
        doneMs,
        allMarkedMs,
        longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
        longTasks: longTasks.length,
        longestSliceMs,
        slices,
        longestScriptMs,
        longestRenderMs,
      };
    });
    // Read before scrolling; the 100 ms of quiet above adds nothing to the counter.
    const busy = await busyMs();
    const markedAfterScroll = await page.evaluate(() => document.querySelector('#table tr:last-child a[data-superfone-detected]') !== null);
    return { ...run, busyMs: busy, markedAfterScroll };
  } finally {
    await page.close();
  }
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

{
  // What is found, beside how fast: libphonenumber's own matcher suite, both matchers on the same texts.
  const { results, oursRight, referenceRight } = scoreMatcherSuite(findPhoneNumbers);
  const scripts = results.filter((result) => result.case.from.startsWith('Indian scripts'));
  console.log(
    `libphonenumber's matcher suite with the real plan, ${results.length} cases (${scripts.length} in Indian scripts): detection right on ${oursRight}, libphonenumber-js findNumbers (VALID, max metadata) on ${referenceRight}`,
  );
  console.log(
    `  Indian-script lines: detection ${scripts.filter((result) => result.oursRight).length}, libphonenumber-js ${scripts.filter((result) => result.referenceRight).length}; cases libphonenumber-js gets right and detection does not: ${results.filter((result) => result.referenceRight && !result.oursRight).length}`,
  );
}

try {
  const walks: number[] = [];
  const references: Array<{ busyMs: number; matches: number }> = [];
  const runs: DetectionRun[] = [];
  const mainThreadOnly: DetectionRun[] = [];
  const cellChanges: number[] = [];
  // Interleaved, so a slower moment of a shared machine weighs on all alike.
  for (let round = 0; round < RUNS; round++) {
    walks.push(await bareWalk());
    references.push(await ringCentralPass());
    runs.push(await detection());
    mainThreadOnly.push(await detection({ worker: false }));
    cellChanges.push(await oneCellChange());
  }
  const walk = median(walks);
  const reference = median(references.map((result) => result.busyMs));
  const busy = median(runs.map((run) => run.busyMs));
  console.log(`detection on a ${ROWS}-row contacts table (6 columns), headless Chromium, median of ${RUNS} fresh pages each:`);
  console.log(
    `  main-thread busy time (TaskDuration), detection, off-screen text parsed in its worker, every number marked: ${busy.toFixed(0)} ms: ${runs[0]!.found} numbers found, ${runs[0]!.marked} marked`,
  );
  console.log(
    `  RingCentral C2D matcher, one pass (reference):     ${reference.toFixed(0)} ms for ${references[0]!.matches} matches  (detection / RingCentral = ${(busy / reference).toFixed(2)}×; RingCentral marks nothing)`,
  );
  const alone = median(mainThreadOnly.map((run) => run.busyMs));
  console.log(
    `  the same without the worker (parsing on the main thread, in idle slices): ${alone.toFixed(0)} ms  (${(alone / reference).toFixed(2)}× RingCentral; longest task ${median(mainThreadOnly.map((run) => run.longestTaskMs)).toFixed(0)} ms)`,
  );
  console.log(`  bare TreeWalker over the same DOM (floor):         ${walk.toFixed(0)} ms  (detection / walk = ${(busy / walk).toFixed(0)}×)`);
  console.log(
    `  longest main-thread task: ${median(runs.map((run) => run.longestTaskMs)).toFixed(0)} ms, tasks over 50 ms: ${median(runs.map((run) => run.longTasks))}; of long frames, the longest script of ours ${median(runs.map((run) => run.longestScriptMs)).toFixed(0)} ms (goal ≤ 50), the longest restyle and relayout after marks ${median(runs.map((run) => run.longestRenderMs)).toFixed(0)} ms`,
  );
  console.log(`  the page's own cost of one changed cell (a frame that restyles and relays out the table): ${median(cellChanges).toFixed(0)} ms`);
  console.log(`  longest scanner slice:    ${median(runs.map((run) => run.longestSliceMs)).toFixed(1)} ms in ${median(runs.map((run) => run.slices))} slices`);
  console.log(
    `  rows on screen callable after ${median(runs.map((run) => run.onScreenMs)).toFixed(0)} ms (the last row already then: ${runs.some((run) => run.lastRowMarkedThen) ? 'yes' : 'no'}); all searched after ${median(runs.map((run) => run.doneMs)).toFixed(0)} ms; every number a link (the last row too: ${runs.every((run) => run.markedAfterScroll) ? 'yes' : 'NO'}) after ${median(runs.map((run) => run.allMarkedMs)).toFixed(0)} ms (without the worker: ${median(mainThreadOnly.map((run) => run.allMarkedMs)).toFixed(0)} ms)`,
  );
} finally {
  await browser.close();
  pages.close();
}

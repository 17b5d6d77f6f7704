// npm run bench: how long detection takes on a generated 5,000-row contacts table, how long
// the main thread is blocked at a time, and the same DOM walked by a bare TreeWalker.
import { launchChromium } from '../test/support/chromium.mjs';
import { serveBundlePages } from './support/bundle-pages.js';

const ROWS = 5000;
const RUNS = 3;
const PAGE = `<!doctype html><meta charset="utf-8"><title>bench</title>
<script type="module" src="/element.js"></script>
<superfone-click-to-call agent-number="+919876543210"><table><tbody></tbody></table></superfone-click-to-call>`;

const pages = await serveBundlePages((path) => (path === '/' ? PAGE : undefined));
const base = pages.base;
const browser = await launchChromium();

interface RunResult {
  tableRelayoutMs: number;
  bareWalkMs: number;
  scanMs: number;
  longestTaskMs: number;
  longTasks: number;
  longestSliceMs: number;
  slices: number;
  wrapped: number;
}

async function runOnce(): Promise<RunResult> {
  const page = await browser.newPage();
  await page.goto(base);
  await page.waitForFunction(() => customElements.get('superfone-click-to-call'));
  return page.evaluate(async (rows) => {
    const scope = document.querySelector('superfone-click-to-call') as HTMLElement & {
      detect: boolean;
      scanComplete(): Promise<void>;
      scanStats: { longestSliceMs: number; slices: number; numbersWrapped: number };
    };
    const html: string[] = [];
    for (let index = 0; index < rows; index++) {
      const mobile = String(9845000000 + index);
      html.push(
        `<tr><td>Lead ${index}</td><td>lead${index}@example.com</td><td>${mobile.slice(0, 5)} ${mobile.slice(5)}</td>` +
          `<td>INV-2024-${String(index).padStart(6, '0')}</td><td>15/03/2024</td><td>₹${(index * 137) % 100000}.00</td></tr>`,
      );
    }
    scope.querySelector('tbody')!.innerHTML = html.join('');
    void document.body.offsetHeight; // the page's first layout of the table, before any clock

    // What one change costs the page itself: a 5,000-row table relaid out after one cell changes.
    const relayoutStart = performance.now();
    (scope.querySelector('td') as HTMLElement).textContent = 'Lead 0 ';
    void document.body.offsetHeight;
    const tableRelayoutMs = performance.now() - relayoutStart;

    // Baseline: the same DOM walked by a bare TreeWalker that only looks at each text node.
    const walkStart = performance.now();
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    let withDigits = 0;
    while (walker.nextNode()) if (/\d/.test((walker.currentNode as Text).data)) withDigits++;
    const bareWalkMs = performance.now() - walkStart;
    if (withDigits === 0) throw new Error('nothing to walk');

    const longTasks: number[] = [];
    const observer = new PerformanceObserver((list) => {
      // Only tasks that began once the scan did; earlier ones are the page building the table.
      for (const entry of list.getEntries()) if (entry.startTime >= scanStart) longTasks.push(entry.duration);
    });
    observer.observe({ type: 'longtask', buffered: false });
    // Headless Chromium draws a frame only when one is asked for; a visible tab draws one every
    // vsync while the page changes. This loop asks, so styling is spread over frames as it would be.
    const frames = setInterval(() => requestAnimationFrame(() => undefined), 16);
    const scanStart = performance.now();
    scope.detect = true;
    await scope.scanComplete();
    clearInterval(frames);
    // Let the controls made in the last slice render before the clock stops.
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const scanMs = performance.now() - scanStart;
    await new Promise((resolve) => setTimeout(resolve, 100));
    observer.disconnect();
    const stats = scope.scanStats;
    return {
      tableRelayoutMs,
      bareWalkMs,
      scanMs,
      longestTaskMs: longTasks.length ? Math.max(...longTasks) : 0,
      longTasks: longTasks.length,
      longestSliceMs: stats.longestSliceMs,
      slices: stats.slices,
      wrapped: stats.numbersWrapped,
    };
  }, ROWS);
}

try {
  const results: RunResult[] = [];
  for (let run = 0; run < RUNS; run++) results.push(await runOnce());
  const median = (pick: (result: RunResult) => number) => results.map(pick).sort((a, b) => a - b)[Math.floor(results.length / 2)]!;
  const scan = median((result) => result.scanMs);
  const walk = median((result) => result.bareWalkMs);
  console.log(`detection on a ${ROWS}-row contacts table (6 columns), median of ${RUNS} runs, headless Chromium:`);
  console.log(`  numbers wrapped:                  ${results[0]!.wrapped}`);
  console.log(`  total scan time:                  ${scan.toFixed(0)} ms`);
  console.log(`  bare TreeWalker over the same DOM: ${walk.toFixed(1)} ms  (scan / walk = ${(scan / walk).toFixed(0)}×)`);
  console.log(`  longest scanner slice:            ${median((result) => result.longestSliceMs).toFixed(1)} ms in ${median((result) => result.slices)} slices`);
  console.log(`  longest main-thread task:         ${median((result) => result.longestTaskMs).toFixed(0)} ms (${median((result) => result.longTasks)} tasks over 50 ms)`);
  console.log(`  the page's own relayout of the table after one cell changes: ${median((result) => result.tableRelayoutMs).toFixed(0)} ms`);
} finally {
  await browser.close();
  pages.close();
}

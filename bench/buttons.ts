// npm run bench:buttons: 1,000 call buttons rendered in a table, beside a hand-written
// vanilla custom element (a <button> in a shadow root) and plain <button>s, in the same
// browser, in turns, each in a fresh page. Main-thread busy time comes from Chromium's own
// counters (Performance.getMetrics TaskDuration), so style and layout count too.
import { launchChromium } from '../test/support/chromium.mjs';
import { serveBundlePages } from './support/bundle-pages.js';

const BUTTONS = 1_000;
const RUNS = Number(process.env.BENCH_RUNS) || 15;

// The floor a custom element can reach: a shadow root with a styled <button>, nothing else.
const VANILLA = `customElements.define('vanilla-call-button', class extends HTMLElement {
  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).innerHTML = '<style>button{display:inline-flex;gap:.4em;padding:.25em .75em;border:0;border-radius:6px;background:#0a7d33;color:#fff;font:inherit;font-weight:600}</style><button aria-label="Call ' + (this.getAttribute('customer-number') ?? '') + '">Call</button>';
  }
});`;

const PAGE = (kind: string) => `<!doctype html><meta charset="utf-8"><title>bench</title>
${kind === 'ours' ? '<script type="module" src="/element.js"></script>' : kind === 'vanilla' ? `<script type="module">${VANILLA}</script>` : ''}
<table><tbody></tbody></table>`;

const pages = await serveBundlePages(
  (path) => {
    const kind = /^\/\?(\w+)$/.exec(path)?.[1];
    return kind ? PAGE(kind) : undefined;
  },
  { minify: !process.env.BENCH_PROFILE },
);
const base = pages.base;
const browser = await launchChromium();

type Kind = 'ours' | 'vanilla' | 'plain';
const TAGS: Record<Kind, string> = { ours: 'superfone-call-button', vanilla: 'vanilla-call-button', plain: 'button' };
interface Run {
  /** Wall time from inserting the rows to their first layout, with every control rendered. */
  renderMs: number;
  /** Main-thread busy time over the same span, from Chromium's counters. */
  busyMs: number;
  /** Busy time until number handling has loaded and checked every number (ours only). */
  settledBusyMs: number;
}

async function runOnce(kind: Kind): Promise<Run> {
  const page = await browser.newPage();
  try {
    await page.goto(`${base}?${kind}`);
    if (kind !== 'plain') await page.waitForFunction((tag) => customElements.get(tag), TAGS[kind]);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((metric) => metric.name === 'TaskDuration')!.value * 1000;
    };
    if (process.env.BENCH_PROFILE && kind === 'ours') {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    const before = await busy();
    const renderMs = await page.evaluate(
      async ({ count, kind, tag }) => {
        const rows: string[] = [];
        for (let index = 0; index < count; index++) {
          const phone = `+9198450${String(10000 + index)}`;
          const control =
            tag === 'button' ? `<button type="button" aria-label="Call ${phone}">Call</button>` : `<${tag} customer-number="${phone}" agent-number="+919876543210"></${tag}>`;
          rows.push(`<tr><td>Lead ${index}</td><td>${phone}</td><td>${control}</td></tr>`);
        }
        const startedAt = performance.now();
        document.querySelector('tbody')!.innerHTML = rows.join('');
        if (kind === 'ours') {
          await Promise.all(
            [...document.querySelectorAll('superfone-call-button')].map((element) => (element as HTMLElement & { updateComplete: Promise<unknown> }).updateComplete),
          );
        }
        void document.body.offsetHeight;
        return performance.now() - startedAt;
      },
      { count: BUTTONS, kind, tag: TAGS[kind] },
    );
    const busyMs = (await busy()) - before;
    if (process.env.BENCH_PROFILE && kind === 'ours') {
      const { profile } = await cdp.send('Profiler.stop');
      const self = new Map<string, number>();
      const byId = new Map(profile.nodes.map((node) => [node.id, node]));
      profile.samples!.forEach((id, index) => {
        const node = byId.get(id)!;
        const key = `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.split('/').pop()}:${node.callFrame.lineNumber}:${node.callFrame.columnNumber}`;
        self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas![index] ?? 0));
      });
      console.log(
        [...self]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 25)
          .map(([key, us]) => `${(us / 1000).toFixed(1).padStart(6)} ${key}`)
          .join('\n'),
      );
    }
    let settledBusyMs = busyMs;
    if (kind === 'ours') {
      // Number handling loads in idle time, then each control checks its number once.
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('superfone-call-button')].every((element) =>
            /\+91 \d{5} \d{5}/.test(element.shadowRoot?.querySelector('button')?.getAttribute('aria-label') ?? ''),
          ),
        null,
        { timeout: 20_000 },
      );
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
      settledBusyMs = (await busy()) - before;
    }
    return { renderMs, busyMs, settledBusyMs };
  } finally {
    await page.close();
  }
}

try {
  const runs: Record<Kind, Run[]> = { ours: [], vanilla: [], plain: [] };
  for (let round = 0; round < RUNS; round++) for (const kind of ['plain', 'vanilla', 'ours'] as const) runs[kind].push(await runOnce(kind));
  const median = (kind: Kind, pick: (run: Run) => number) => runs[kind].map(pick).sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
  console.log(`${BUTTONS.toLocaleString('en')} buttons in a table, median of ${RUNS} runs each in turns, headless Chromium:`);
  for (const kind of ['plain', 'vanilla', 'ours'] as const) {
    const name = { plain: 'plain <button>', vanilla: 'vanilla custom element (shadow root)', ours: '<superfone-call-button>' }[kind];
    console.log(
      `  ${name.padEnd(40)} render ${median(kind, (run) => run.renderMs)
        .toFixed(0)
        .padStart(4)} ms   main thread busy ${median(kind, (run) => run.busyMs)
        .toFixed(0)
        .padStart(4)} ms`,
    );
  }
  console.log(
    `  <superfone-call-button> / vanilla element: render ${(median('ours', (run) => run.renderMs) / median('vanilla', (run) => run.renderMs)).toFixed(2)}×, busy ${(median('ours', (run) => run.busyMs) / median('vanilla', (run) => run.busyMs)).toFixed(2)}× (goal ≤ 1.5×)`,
  );
  console.log(
    `  then, in idle time, number handling loads and checks all ${BUTTONS.toLocaleString('en')} numbers: busy ${median('ours', (run) => run.settledBusyMs).toFixed(0)} ms in all`,
  );
} finally {
  await browser.close();
  pages.close();
}

import type { Page } from 'playwright';

/** Polls `probe` until `ok` holds, and hands back what it found; fails naming `what` and the last value after `timeoutMs`. */
export async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The `tel:` targets of the marks the extension's detection made in a page's main frame. */
export const marksIn = (page: Page) => page.$$eval('a[data-superfone-detected]', (marks) => marks.map((mark) => mark.getAttribute('href')));

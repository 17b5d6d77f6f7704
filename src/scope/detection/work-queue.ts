/** A first-in, first-out queue that takes from the front without moving what is behind. */
export class Fifo<T> {
  #items: T[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(items: readonly T[]): void {
    for (const item of items) this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head++];
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    }
    return item;
  }
}

/** Gives the browser a turn (input, rendering) between slices. */
export function yieldToMain(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Idle slices are at most this long, whatever the browser offers. */
const IDLE_SLICE_MS = 12;

/** Waits for the browser to be idle, and says for how many milliseconds work may run. */
export function idleTime(): Promise<number> {
  if (typeof requestIdleCallback !== 'function') return new Promise((resolve) => setTimeout(() => resolve(IDLE_SLICE_MS / 2), 0));
  // A busy page still gets its numbers: after the timeout the callback runs anyway.
  return new Promise((resolve) => requestIdleCallback((deadline) => resolve(Math.max(1, Math.min(IDLE_SLICE_MS, deadline.timeRemaining()))), { timeout: 250 }));
}

import type { FoundNumber } from './find-phone-numbers.js';
import { boxOfText, nearScreen } from './near-screen.js';
import { idleTime } from './work-queue.js';

export interface FoundOffScreen {
  text: Text;
  /** The text as searched: it is marked only if it still reads so. */
  data: string;
  numbers: readonly FoundNumber[];
}

/** Numbers marked between clock checks in idle time: a few hundred microseconds of splitting text. */
const IDLE_BATCH = 16;
/**
 * Each slice of marking in idle time runs this long, whatever is left of the frame: every
 * slice is followed by a restyle and relayout of what it marked in (a big table's whole
 * layout, ~50 ms for 5,000 rows), so a few full slices cost the page far less than many
 * short ones, and a slice is still no long task.
 */
const IDLE_MARKING_MS = 20;

/**
 * Numbers found off screen. Those scrolling brings near the screen are marked at once, all
 * in one frame; the rest are marked in idle time, a slice at a time, so that within seconds
 * every number is a link a screen reader lists (NVDA's elements list, VoiceOver's rotor),
 * while no slice keeps input waiting. Kept in document order, which finding what is near
 * the screen relies on.
 */
export class OffScreenNumbers {
  #found: FoundOffScreen[] = [];
  #inOrder = true;
  /** What comes next may start anywhere in the document: its order is checked once. */
  #newBatch = false;
  #scheduled = false;
  #idleScheduled = false;
  readonly #mark: (near: FoundOffScreen[]) => void;

  /** `mark` gets what has come near the screen, in document order. */
  constructor(mark: (near: FoundOffScreen[]) => void) {
    this.#mark = mark;
  }

  get size(): number {
    return this.#found.length;
  }

  /** The next text added starts a new batch: it may come before what is kept. */
  startBatch(): void {
    this.#newBatch = true;
  }

  add(text: Text, numbers: readonly FoundNumber[]): void {
    if (numbers.length === 0) return;
    const last = this.#found.at(-1);
    if (this.#newBatch && last && !(last.text.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING)) this.#inOrder = false;
    this.#newBatch = false;
    this.#found.push({ text, data: text.data, numbers });
    // Whatever is near the screen in the next frame is marked then; the rest in idle time after.
    this.schedule();
  }

  clear(): void {
    this.#found = [];
  }

  /** Marks, in the next frame, what is near the screen then (a listener for scroll and resize too). */
  readonly schedule = (): void => {
    if (this.#scheduled || this.#found.length === 0) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      this.#markNearScreen();
      this.#markInIdleTime();
    });
  };

  /** Marks the rest, from the top, in the browser's idle periods until none is left. */
  #markInIdleTime(): void {
    if (this.#idleScheduled || this.#found.length === 0) return;
    this.#idleScheduled = true;
    void idleTime().then(() => {
      this.#idleScheduled = false;
      this.#sortIfNeeded();
      const sliceStart = performance.now();
      while (this.#found.length > 0 && performance.now() - sliceStart < IDLE_MARKING_MS) this.#mark(this.#found.splice(0, IDLE_BATCH));
      this.#markInIdleTime();
    });
  }

  #sortIfNeeded(): void {
    if (this.#inOrder) return;
    this.#found.sort((a, b) => (a.text.compareDocumentPosition(b.text) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    this.#inOrder = true;
  }

  #markNearScreen(): void {
    this.#sortIfNeeded();
    const [from, to] = nearScreen(this.#found, ({ text }) => boxOfText(text));
    if (from < to) this.#mark(this.#found.splice(from, to - from));
  }
}

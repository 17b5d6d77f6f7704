import type { FoundNumber } from './find-phone-numbers.js';
import { boxOfText, nearScreen } from './near-screen.js';

export interface FoundOffScreen {
  text: Text;
  /** The text as searched: it is marked only if it still reads so. */
  data: string;
  numbers: readonly FoundNumber[];
}

/**
 * Numbers found off screen, waiting for scrolling to bring them near it, then marked all at
 * once: one restyle and relayout of the page for every number that came near, not one per
 * batch. Kept in document order, which finding what is near the screen relies on.
 */
export class OffScreenNumbers {
  #found: FoundOffScreen[] = [];
  #inOrder = true;
  /** What comes next may start anywhere in the document: its order is checked once. */
  #newBatch = false;
  #scheduled = false;
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
    });
  };

  #markNearScreen(): void {
    if (!this.#inOrder) {
      this.#found.sort((a, b) => (a.text.compareDocumentPosition(b.text) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
      this.#inOrder = true;
    }
    const [from, to] = nearScreen(this.#found, ({ text }) => boxOfText(text));
    if (from < to) this.#mark(this.#found.splice(from, to - from));
  }
}

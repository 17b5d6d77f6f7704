import type { FoundNumber } from './find-phone-numbers.js';
import { searchInWorker, workerAvailable } from './number-search.js';
import type { Fifo } from './work-queue.js';

/** Off-screen text goes to the worker in batches this big: few messages, each answered in tens of milliseconds. */
const WORKER_BATCH = 2_000;

/** What becomes of a batch sent to the worker. */
export interface BatchListener {
  /** The worker searched the texts: `data` is each text as sent (one changed since was queued again by its change). */
  found(texts: Text[], data: string[], found: Array<readonly FoundNumber[]>): void;
  /** No worker after all: the main thread searches these texts. */
  refused(texts: Text[]): void;
  /** A batch is done, either way. */
  settled(): void;
}

/**
 * Off-screen text sent to the number search worker (./number-search.ts) in batches, and how
 * many are out: detection's idle search, off the main thread.
 */
export class WorkerBatches {
  readonly #defaultCountry: string;
  readonly #listener: BatchListener;
  #inFlight = 0;

  constructor(defaultCountry: string, listener: BatchListener) {
    this.#defaultCountry = defaultCountry;
    this.#listener = listener;
  }

  /** Batches the worker is searching now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Sends the next batch of `queue`'s texts not yet searched, each then counted as searched.
   * False where no worker can run: the main thread searches the queue instead.
   */
  send(queue: Fifo<Text>, searched: WeakSet<Text>): boolean {
    if (!workerAvailable()) return false;
    const texts: Text[] = [];
    while (texts.length < WORKER_BATCH && queue.size > 0) {
      const text = queue.shift()!;
      if (!text.isConnected || searched.has(text)) continue;
      searched.add(text);
      texts.push(text);
    }
    if (texts.length === 0) return true;
    const data = texts.map((text) => text.data);
    const reply = searchInWorker(data, this.#defaultCountry);
    if (!reply) {
      this.#listener.refused(texts);
      return false;
    }
    this.#inFlight += 1;
    reply
      .then(
        (found) => this.#listener.found(texts, data, found),
        () => this.#listener.refused(texts),
      )
      .finally(() => {
        this.#inFlight -= 1;
        this.#listener.settled();
      });
    return true;
  }
}

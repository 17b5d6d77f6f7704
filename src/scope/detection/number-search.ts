import type { FoundNumber } from './find-phone-numbers.js';

export interface NumberSearchRequest {
  id: number;
  texts: string[];
  defaultCountry: string;
}
export interface NumberSearchReply {
  id: number;
  found: Array<readonly FoundNumber[]>;
}

/** A worker that has not answered a batch by then is taken for broken; detection goes on without it. */
const ANSWER_TIMEOUT_MS = 5_000;

interface Waiting {
  resolve(found: Array<readonly FoundNumber[]>): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** One worker for the page, started on first use; `null` once it proved unavailable. */
let worker: Worker | null | undefined;
let nextId = 0;
const waiting = new Map<number, Waiting>();

/** False once the worker proved unavailable: then detection searches on the main thread. */
export function workerAvailable(): boolean {
  return worker !== null;
}

/**
 * Searches texts for phone numbers in a worker, or returns `null` where no worker can run.
 * The worker is a module next to this one; bundlers that understand `new Worker(new URL(…,
 * import.meta.url))` (Vite, webpack, Rollup, Parcel) ship it. Where it cannot load (no
 * bundler support, a CSP without `worker-src`, the CDN build), the promise rejects, later
 * calls return `null`, and detection searches on the main thread in idle time instead.
 */
export function searchInWorker(texts: string[], defaultCountry: string): Promise<Array<readonly FoundNumber[]>> | null {
  if (worker === null) return null;
  if (worker === undefined) {
    try {
      worker = new Worker(new URL('./number-search-worker.js', import.meta.url), { type: 'module' });
    } catch {
      worker = null;
      return null;
    }
    worker.onmessage = ({ data }: MessageEvent<NumberSearchReply>) => {
      const entry = waiting.get(data.id);
      if (!entry) return;
      waiting.delete(data.id);
      clearTimeout(entry.timer);
      entry.resolve(data.found);
    };
    worker.onerror = () => giveUp('the number search worker failed to load or run');
  }
  const id = nextId++;
  const request: NumberSearchRequest = { id, texts, defaultCountry };
  worker.postMessage(request);
  return new Promise((resolve, reject) => {
    waiting.set(id, { resolve, reject, timer: setTimeout(() => giveUp('the number search worker did not answer'), ANSWER_TIMEOUT_MS) });
  });
}

function giveUp(reason: string): void {
  worker?.terminate();
  worker = null;
  for (const entry of waiting.values()) {
    clearTimeout(entry.timer);
    entry.reject(new Error(reason));
  }
  waiting.clear();
}

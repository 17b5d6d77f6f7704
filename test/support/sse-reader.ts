/** One Server-Sent Event as a browser's EventSource would see it, or a comment line. */
export interface ServerSentEvent {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
  retry?: number;
}

/**
 * Reads a `text/event-stream` response as it arrives, per the HTML spec's parsing rules
 * (enough of them for these tests): blocks end at a blank line; `:` starts a comment.
 */
export class EventStreamReader {
  readonly events: ServerSentEvent[] = [];
  ended = false;
  #buffer = '';
  readonly #waiters = new Set<() => void>();
  readonly done: Promise<void>;

  constructor(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    this.done = (async () => {
      try {
        const reader = body.getReader();
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) this.#take(decoder.decode(chunk.value, { stream: true }));
      } catch {
        // Cancelled by the test, or the connection dropped: the stream is over either way.
      } finally {
        this.ended = true;
        this.#wake();
      }
    })();
  }

  #take(text: string): void {
    this.#buffer += text;
    let end: number;
    while ((end = this.#buffer.indexOf('\n\n')) >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      const event: ServerSentEvent = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.comment = line.slice(1).trim();
        const [, field, value] = /^([a-z]+): ?(.*)$/.exec(line) ?? [];
        if (field === 'id' || field === 'event' || field === 'data') event[field] = value;
        if (field === 'retry') event.retry = Number(value);
      }
      this.events.push(event);
    }
    this.#wake();
  }

  #wake(): void {
    for (const waiter of this.#waiters) waiter();
  }

  /** Resolves once `check` holds, or rejects after `timeoutMs`. */
  until(check: (reader: this) => boolean, timeoutMs = 5_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(test);
        reject(new Error(`stream condition not met in ${timeoutMs} ms; got ${JSON.stringify(this.events)}${this.ended ? ' (stream ended)' : ''}`));
      }, timeoutMs);
      const test = () => {
        if (!check(this)) return;
        clearTimeout(timer);
        this.#waiters.delete(test);
        resolve();
      };
      this.#waiters.add(test);
      test();
    });
  }

  /** The `call` events' data, parsed. */
  calls(): any[] {
    return this.events.filter((event) => event.event === 'call').map((event) => JSON.parse(event.data!));
  }
}

import { connect } from 'node:net';

export interface RawExchange {
  /** Everything the server sent before it closed the connection or the wait ran out. */
  text: string;
  /** Status codes of every response in `text`, in order. */
  statuses: number[];
  /** Whether the server closed the connection (else the wait ran out). */
  closed: boolean;
  /** How long until the connection closed or the wait ran out. */
  elapsedMs: number;
}

export interface RawOptions {
  /** How long to wait for the server, at most. */
  waitMs?: number;
  /** Half-close after writing, as a client with nothing more to send does. Default true. */
  endAfterWrite?: boolean;
}

/** Sends raw bytes on a fresh loopback connection and collects what comes back. */
export function rawExchange(port: number, bytes: string | Uint8Array, options: RawOptions = {}): Promise<RawExchange> {
  const waitMs = options.waitMs ?? 2_000;
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let settled = false;
    const finish = (closed: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const statuses = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3}) /g)].map((match) => Number(match[1]));
      resolve({ text, statuses, closed, elapsedMs: performance.now() - startedAt });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.on('connect', () => {
      socket.write(bytes);
      if (options.endAfterWrite ?? true) socket.end();
    });
  });
}

/**
 * Sends `head`, then 1 MiB chunks of a chunked body (at most `chunks` of them) as fast as
 * the connection takes them, reading what comes back until the server closes or `waitMs`
 * pass: what the client read.
 */
export function floodUntilClosed(port: number, head: string, chunks: number, waitMs = 20_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => socket.destroy(), waitMs);
    socket.on('data', (data: Buffer) => (text += data.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
    const chunk = Buffer.from(`100000\r\n${'x'.repeat(0x100000)}\r\n`);
    socket.on('connect', async () => {
      socket.write(head);
      for (let sent = 0; sent < chunks && !socket.destroyed; sent++) {
        if (!socket.write(chunk)) await new Promise((next) => (socket.once('drain', next), socket.once('close', next)));
      }
    });
  });
}

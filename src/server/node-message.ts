// What the Node adapters read of node:http's messages: a client's request, Superfone's answer.
import type { IncomingMessage } from 'node:http';

/**
 * Reads a body from node:http (a client's request, or Superfone's answer), stopping the
 * moment it passes `cap`: memory per connection is bounded by the limit, however slowly or
 * however much the other side sends. `null` when it is too large; rejects when the
 * connection ends before the body does.
 */
export function readNodeBody(req: IncomingMessage, cap: number): Promise<Buffer | null> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        stop();
        req.pause();
        resolve(null);
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => onError(new Error('The client closed the connection before its request was complete.'));
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** A header as one line, as Fetch's `Headers.get` gives it. */
export function headerLine(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

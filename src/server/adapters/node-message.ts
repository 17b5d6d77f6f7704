// What the Node adapters read of node:http's messages: a client's headers, Superfone's answer.
import type { IncomingMessage } from 'node:http';

import { BodyGatherer, type BodyReading, declaredOver } from '../core/index.js';

/**
 * Reads a body from node:http (Superfone's answer; a client's is node-request-body.ts) into one
 * buffer, stopping the moment it passes `cap` in bytes or in pieces: memory per
 * connection is bounded by the limit, however slowly, however much and in however many
 * chunks the other side sends. Rejects when the connection ends before the body does.
 */
export function readNodeBody(message: IncomingMessage, cap: number): Promise<BodyReading> {
  const declared = message.headers['content-length'];
  if (declaredOver(declared, cap)) return Promise.resolve({ ok: false, exceeded: 'bytes' });
  const gatherer = new BodyGatherer(cap, declared);
  return new Promise((resolve, reject) => {
    const stop = () => {
      message.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      const exceeded = gatherer.add(chunk);
      if (!exceeded) return;
      stop();
      // What the client still sends is dropped as it arrives until the connection closes:
      // paused, node:http would keep every chunk of it (65,000 one-byte chunks, 65,000
      // objects) while the answer goes out.
      message.resume();
      resolve({ ok: false, exceeded });
    };
    const onEnd = () => {
      stop();
      resolve({ ok: true, bytes: gatherer.bytes() });
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => onError(new Error('The connection closed before the body was complete.'));
    message.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

/** A header as one line, as Fetch's `Headers.get` gives it. */
export function headerLine(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

// How a node:http server lets go of a connection whose body it refused before the end.
import type { IncomingMessage } from 'node:http';

/** How long a connection whose body was refused stays open after the answer, for the client to read it. */
export const LINGER_MS = 1_000;

/**
 * Closes a connection whose body was refused mid-way a second after the answer: closed at
 * once, the bytes the client is still sending meet a reset that can wipe out the answer
 * before it is read; drained to the end, a client could send forever. None of the rest is
 * read. Call it before the answer is written with `Connection: close`.
 */
export function lingerThenClose(req: IncomingMessage): void {
  const socket = req.socket;
  // node:http's parser reads the socket itself, and the handler may be answering between two
  // chunks of one read: the rest of that read is dropped as it is parsed (paused, the
  // request would keep each chunk), then the socket is read no more.
  req.removeAllListeners('data');
  req.on('data', () => {});
  setImmediate(() => {
    req.removeAllListeners('data');
    req.pause();
    socket.pause();
  });
  // node:http closes a `Connection: close` socket as soon as the answer is written; here it waits.
  socket.destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  };
}

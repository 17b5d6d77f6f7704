// Connections whose answers the client never reads. Node stops reading a connection
// whose answers back up (a client pipelining requests and reading nothing), and then no
// timeout of node:http applies to it: it is neither receiving a request nor idle between
// them, so the descriptor would be held for as long as the client likes.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

interface Backlog {
  /** How far the answers had gone when the backlog was first seen or last moved. */
  at: Progress;
  since: number;
}

interface Progress {
  /** Writes finished: what `bytesWritten` counts, less what still waits in Node. */
  written: number;
  /**
   * What the write in flight still holds (libuv's count, on TCP sockets): one large write
   * finishes only when all of it has left, and this is how its leaving shows meanwhile.
   */
  queued: number | undefined;
}

function progressOf(socket: Socket): Progress {
  const queued = (socket as Socket & { _handle?: { writeQueueSize?: unknown } })._handle?.writeQueueSize;
  return { written: (socket.bytesWritten ?? 0) - socket.writableLength, queued: typeof queued === 'number' ? queued : undefined };
}

const moved = (from: Progress, to: Progress) => to.written !== from.written || (to.queued !== undefined && from.queued !== undefined && to.queued < from.queued);

/**
 * Closes every connection of `server` that has answers waiting to leave and has not let a
 * byte of them go for `stallMs`, checked every `checkEveryMs`. A client reading slowly
 * keeps its connection; an answer still being prepared (a slow upstream, a quiet event
 * stream) has nothing waiting, so it is never cut. `onClose` hears of each one closed.
 */
export function closeConnectionsNotReading(server: Server, stallMs: number, checkEveryMs: number, onClose: (socket: Socket) => void): void {
  const backlogs = new Map<Socket, Backlog | null>();
  server.on('connection', (socket: Socket) => {
    backlogs.set(socket, null);
    socket.once('close', () => backlogs.delete(socket));
  });
  const check = () => {
    const now = performance.now();
    for (const [socket, backlog] of backlogs) {
      if (socket.writableLength === 0) {
        if (backlog) backlogs.set(socket, null);
        continue;
      }
      const at = progressOf(socket);
      if (!backlog || moved(backlog.at, at)) backlogs.set(socket, { at, since: now });
      else if (now - backlog.since >= stallMs) {
        backlogs.delete(socket);
        onClose(socket);
        socket.destroy();
      }
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const start = () => {
    clearInterval(timer);
    timer = setInterval(check, checkEveryMs);
    timer.unref();
  };
  if (server.listening) start();
  server.on('listening', start);
  server.on('close', () => clearInterval(timer));
}

// A node:http server made fit to face untrusted clients: timeouts, connection caps, and
// answers for requests Node cannot parse.
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

import type { ErrorBody } from '../../shared/protocol.js';
import {
  budgetedAuditLog,
  checkIpv6PrefixLength,
  clientIdentity,
  DEFAULT_IPV6_PREFIX_LENGTH,
  type ProxyLogEntry,
  type RefusalKind,
  SECURITY_HEADERS,
  unreadRequestEntry,
} from '../core/index.js';
import { closeConnectionsNotReading } from './unread-answers.js';

export interface ServerHardening {
  /**
   * How long a client may take to send its whole request, headers and body, counted from
   * the moment it connects: a connection that sends nothing is closed after this too, and
   * so is one whose answers wait this long for a client that does not read them.
   * Default 10 000.
   */
  requestTimeoutMs?: number;
  /** A kept-alive connection waits this long for its next request (Node adds a second). Default 5 000. */
  keepAliveTimeoutMs?: number;
  /**
   * Connections this server holds open at once; past it new ones are closed at once.
   * Default 10 000, or fewer where the process may open fewer files (`ulimit -n`): an
   * eighth of them, at least 64, are kept for Superfone, Redis and the rest.
   */
  maxConnections?: number;
  /**
   * Connections one client (IPv4 address, IPv6 /64) holds open at once; past it a new one
   * is closed at once. Behind a balancer every connection comes from it: raise this,
   * or `0` turns it off. Default 256.
   */
  maxConnectionsPerClient?: number;
  /** IPv6 clients are told apart by this many leading bits. Default 64. */
  ipv6PrefixLength?: number;
  /** Receives an entry for each connection refused for a malformed request, a timeout or a cap. */
  log?: (entry: ProxyLogEntry) => void;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_CONNECTIONS = 10_000;
export const DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 256;

/**
 * The connections a server may hold before this process runs out of file descriptors:
 * past that, accepting fails for everyone, real requests included. Read from Linux's
 * `/proc/self/limits`; elsewhere `DEFAULT_MAX_CONNECTIONS`.
 */
export function connectionsWithinFileLimit(): number {
  let limits: string;
  try {
    limits = readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return DEFAULT_MAX_CONNECTIONS;
  }
  const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1]);
  if (!Number.isFinite(soft) || soft <= 0) return DEFAULT_MAX_CONNECTIONS;
  return Math.max(1, Math.min(DEFAULT_MAX_CONNECTIONS, soft - Math.max(64, Math.ceil(soft / 8))));
}

const CLIENT_ERROR_STATUS: Record<string, [number, string, RefusalKind]> = {
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout', 'timeout'],
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large', 'too_large'],
};

/** A whole HTTP/1.1 answer written straight to a socket, for connections refused before node:http reads them. */
function rawAnswer(status: number, reason: string, message: string): string {
  const body = JSON.stringify({ error: { code: 'bad_request', message } } satisfies ErrorBody);
  const all = { 'Content-Type': 'application/json; charset=utf-8', ...SECURITY_HEADERS, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' };
  return `HTTP/1.1 ${status} ${reason}\r\n${Object.entries(all)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n${body}`;
}

/** How long an answer written to a refused connection may take to leave before the socket is closed anyway. */
const ANSWER_FLUSH_MS = 1_000;

/**
 * Writes a refusal and closes the socket once the answer has left, or after a second if
 * it cannot leave: `end` alone would wait for the client to close its side, and a client
 * that never reads (or never closes) would hold the descriptor for good.
 */
function answerAndLetGo(socket: Socket, answer: string): void {
  const timer = setTimeout(() => socket.destroy(), ANSWER_FLUSH_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.end(answer, () => socket.destroy());
}

function nonNegativeInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(Number.isInteger(value) && value >= 0)) throw new TypeError(`hardenNodeServer: ${name} must be a whole number, 0 or more (got ${value}).`);
  return value;
}

type RefuseConnection = (client: string | undefined, status: number, refusal: RefusalKind, detail: string) => void;

/** No client (an IPv4 address, an IPv6 network) holds more than `perClient` connections at once. */
function limitConnectionsPerClient(server: Server, perClient: number, ipv6PrefixLength: number, refusedConnection: RefuseConnection): void {
  const openPerClient = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const client = clientIdentity(socket.remoteAddress, ipv6PrefixLength) ?? 'unknown';
    const open = openPerClient.get(client) ?? 0;
    if (open >= perClient) {
      // Closed at once, as Node closes those past maxConnections: an answer would need the
      // request read, and nothing on this connection may reach the handler.
      refusedConnection(socket.remoteAddress, 0, 'connections', `over ${perClient} connections from one client`);
      socket.destroy();
      return;
    }
    openPerClient.set(client, open + 1);
    socket.once('close', () => {
      const left = (openPerClient.get(client) ?? 1) - 1;
      if (left > 0) openPerClient.set(client, left);
      else openPerClient.delete(client);
    });
  });
}

/** Requests Node cannot parse get an answer with the security headers and a log line; a client that left mid-request, a log line. */
function answerUnreadableRequests(server: Server, refusedConnection: RefuseConnection): void {
  // Sockets whose request the handler has: if the client leaves mid-body, the handler logs it, once.
  const handled = new WeakSet<Socket>();
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handled.add(req.socket);
    res.once('close', () => handled.delete(req.socket));
  });

  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    // The client stopped sending (a half-close) mid-request: nobody is left to answer.
    if (error.code === 'HPE_INVALID_EOF_STATE') {
      if (!handled.has(socket)) refusedConnection(socket.remoteAddress, 0, 'aborted', 'the client left mid-request');
      socket.destroy();
      return;
    }
    const [status, reason, refusal] = CLIENT_ERROR_STATUS[error.code ?? ''] ?? [400, 'Bad Request', 'malformed'];
    answerAndLetGo(socket, rawAnswer(status, reason, `The request could not be read (${reason.toLowerCase()}).`));
    refusedConnection(socket.remoteAddress, status, refusal, error.code ?? 'unparsable request');
  });
}

/**
 * Settings for a node:http server that faces untrusted clients; call it before `listen`.
 * Slow and silent clients are cut off after `requestTimeoutMs` (Node's own default waits
 * 300 s), kept-alive ones after `keepAliveTimeoutMs`, and no client can hold more than its
 * share of connections. Answers in progress (a slow upstream, a call's event stream) are
 * never cut. Requests Node cannot parse get a `400` with the same security headers as
 * every answer.
 */
export function hardenNodeServer(server: Server, options: ServerHardening = {}): Server {
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const perClient = nonNegativeInteger(options.maxConnectionsPerClient, DEFAULT_MAX_CONNECTIONS_PER_CLIENT, 'maxConnectionsPerClient');
  const ipv6PrefixLength = options.ipv6PrefixLength ?? DEFAULT_IPV6_PREFIX_LENGTH;
  checkIpv6PrefixLength(ipv6PrefixLength, 'hardenNodeServer');
  // Node counts the headers' time from the connection, so one that never sends a byte is closed too.
  server.requestTimeout = timeoutMs;
  server.headersTimeout = timeoutMs;
  server.keepAliveTimeout = nonNegativeInteger(options.keepAliveTimeoutMs, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, 'keepAliveTimeoutMs');
  server.maxConnections = options.maxConnections === undefined ? connectionsWithinFileLimit() : nonNegativeInteger(options.maxConnections, 0, 'maxConnections') || Infinity;
  // Node checks those timeouts on this interval (30 s by default), so it must be shorter.
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.min(1_000, timeoutMs);
  const audit = budgetedAuditLog(options.log);
  const refusedConnection: RefuseConnection = (client, status, refusal, detail) =>
    audit(unreadRequestEntry({ client: client ?? null, origin: null, outcome: 'bad_request', status, latencyMs: 0, refusal, detail }), refusal);

  if (perClient > 0) limitConnectionsPerClient(server, perClient, ipv6PrefixLength, refusedConnection);
  server.on('drop', (data?: { remoteAddress?: string }) => refusedConnection(data?.remoteAddress, 0, 'connections', `over ${server.maxConnections} connections in all`));
  if (timeoutMs > 0) {
    closeConnectionsNotReading(server, timeoutMs, Math.min(1_000, timeoutMs), (socket) =>
      refusedConnection(socket.remoteAddress, 0, 'timeout', `answers not read for ${timeoutMs / 1000} s`),
    );
  }

  answerUnreadableRequests(server, refusedConnection);
  return server;
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { lingerThenClose } from '../server/adapters/linger-then-close.js';
import { mounts, targetPath } from '../shared/mounts.js';
import { CLICK_TO_CALL_PATH } from '../shared/superfone-api.js';
import { createSimulatorControlHandler, SIMULATOR_CONTROL_PATH } from './control-handler.js';
import { type ApiReply, type SimulatorOptions, SuperfoneSimulator } from './simulator.js';

/** The simulated API lives where Superfone's does, under `/superfone/api`. */
export const SIMULATOR_API_PREFIX = '/superfone/api';

export interface RunningSimulator {
  simulator: SuperfoneSimulator;
  /** e.g. `http://127.0.0.1:41234` */
  url: string;
  /** Pass this as the proxy's `apiBase`. */
  apiBase: string;
  close(): Promise<void>;
}

export interface SimulatorServerOptions extends SimulatorOptions {
  port?: number;
  host?: string;
}

function send(reply: ApiReply, res: ServerResponse): void {
  switch (reply.kind) {
    case 'reset':
      res.socket?.resetAndDestroy();
      return;
    case 'hang':
      return; // the client gives up; the socket closes with it
    case 'text':
      res.writeHead(reply.status, { 'Content-Type': reply.contentType });
      res.end(reply.text);
      return;
    case 'huge-json':
      void sendHugeJson(reply.bytes, res);
      return;
    case 'json': {
      const write = () => {
        res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body));
      };
      if (reply.delayMs) setTimeout(write, reply.delayMs).unref();
      else write();
    }
  }
}

/** A valid success body of `bytes` bytes, written as fast as the client reads it, and no faster. */
async function sendHugeJson(bytes: number, res: ServerResponse): Promise<void> {
  const head = '{"data":{"notificationID":1,"sentSuccess":true},"message":"';
  const tail = '"}';
  const chunk = 'x'.repeat(64 * 1024);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.write(head);
  let left = Math.max(0, bytes - head.length - tail.length);
  while (left > 0 && !res.destroyed) {
    const piece = left >= chunk.length ? chunk : chunk.slice(0, left);
    left -= piece.length;
    if (!res.write(piece)) {
      await new Promise<void>((resolve) => {
        const go = () => {
          res.off('drain', go).off('close', go);
          resolve();
        };
        res.on('drain', go).on('close', go);
      });
    }
  }
  res.end(tail);
}

/** The most a control request may carry: its bodies are a few fields of JSON. */
const SIMULATOR_CONTROL_BODY_BYTES = 64 * 1024;

/** Who may use the controls, decided from the request line and headers: `null` admits, else the refusal. */
export type SimulatorControlAdmission = (req: IncomingMessage, res: ServerResponse) => { status: number; message: string } | null;

function refuseControl(res: ServerResponse, status: number, message: string): void {
  if (!res.req.complete) lingerThenClose(res.req);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close' });
  res.end(JSON.stringify({ message }));
}

/** A body, if the request says it has one: a length above 0, or any transfer coding. */
function carriesBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/**
 * The control endpoints as a node:http listener (for the simulator's server and a dev server
 * that mounts them). A test tool, yet one that can read every dialled number and send
 * notifications elsewhere: `admit` (the CLI gives the proxy's host and origin policies)
 * decides before a byte is read, a body must be JSON, and none may pass 64 KiB (413).
 */
export function createSimulatorControlListener(simulator: SuperfoneSimulator, admit: SimulatorControlAdmission = () => null): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = createSimulatorControlHandler(simulator);
  return (req, res) => {
    const refusal = admit(req, res);
    if (refusal) return refuseControl(res, refusal.status, refusal.message);
    const hasBody = carriesBody(req);
    const mediaType = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (hasBody && mediaType !== 'application/json') return refuseControl(res, 415, 'The simulator’s controls take Content-Type: application/json only.');
    if (Number(req.headers['content-length'] ?? 0) > SIMULATOR_CONTROL_BODY_BYTES)
      return refuseControl(res, 413, `The simulator’s controls take bodies of ${SIMULATOR_CONTROL_BODY_BYTES} bytes at most.`);
    // Copied into one buffer as it comes (none for a GET), never kept as the pieces it came in.
    let body: Uint8Array | undefined;
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (size + chunk.byteLength > SIMULATOR_CONTROL_BODY_BYTES) {
        refused = true;
        return refuseControl(res, 413, `The simulator’s controls take bodies of ${SIMULATOR_CONTROL_BODY_BYTES} bytes at most.`);
      }
      body ??= new Uint8Array(SIMULATOR_CONTROL_BODY_BYTES);
      body.set(chunk, size);
      size += chunk.byteLength;
    });
    req.on('end', () => {
      if (refused) return;
      const withBody = req.method !== 'GET' && req.method !== 'HEAD';
      void Promise.resolve()
        .then(() =>
          handle(new Request(new URL(req.url ?? '/', 'http://simulator'), { method: req.method, body: withBody ? (body?.slice(0, size) ?? new Uint8Array(0)) : undefined })),
        )
        .then(async (response) => {
          res.writeHead(response.status, Object.fromEntries(response.headers));
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        // A failure is the test's to see, not the dev server's to die of.
        .catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ message: (error as Error).message }));
        });
    });
  };
}

type Route = (req: IncomingMessage, res: ServerResponse, path: string) => void;

const notFound: Route = (_req, res) => {
  res.writeHead(404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ message: 'Not found' }));
};

/** A node:http listener for the simulated API and its control endpoints. */
export function createSimulatorListener(simulator: SuperfoneSimulator) {
  const endpoint = SIMULATOR_API_PREFIX + CLICK_TO_CALL_PATH;
  const api: Route = (req, res, path) => {
    if (path !== endpoint || req.method !== 'GET') return notFound(req, res, path);
    const apiKey = req.headers['x-api-key'];
    send(simulator.handleClickToCall(req.url!.slice(path.length + 1), typeof apiKey === 'string' ? apiKey : null), res);
  };
  const control = createSimulatorControlListener(simulator);
  const route = mounts<Route>([
    [SIMULATOR_CONTROL_PATH, control],
    [endpoint, api],
  ]);
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = targetPath(req.url);
    (route(path) ?? notFound)(req, res, path);
  };
}

/** Starts the simulator on loopback (a free port unless one is given). */
export async function startSuperfoneSimulator(options: SimulatorServerOptions = {}): Promise<RunningSimulator> {
  const simulator = new SuperfoneSimulator(options);
  const server: Server = createServer(createSimulatorListener(simulator));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    simulator,
    url,
    apiBase: url + SIMULATOR_API_PREFIX,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

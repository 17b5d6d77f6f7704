import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mounts, targetPath } from '../shared/mounts.js';
import { CLICK_TO_CALL_PATH } from '../shared/superfone-api.js';
import { createSimulatorControlHandler, SIMULATOR_CONTROL_PATH } from './control-handler.js';
import { SuperfoneSimulator, type ApiReply, type SimulatorOptions } from './simulator.js';

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

/**
 * The control endpoints as a node:http listener (for the simulator's server and a dev server
 * that mounts them). A test tool on loopback: its bodies are small JSON, read whole.
 */
export function createSimulatorControlListener(simulator: SuperfoneSimulator): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = createSimulatorControlHandler(simulator);
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
      void Promise.resolve()
        .then(() => handle(new Request(new URL(req.url ?? '/', 'http://simulator'), { method: req.method, body: hasBody ? Buffer.concat(chunks) : undefined })))
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

import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';

export interface CliProxy {
  child: ChildProcess;
  port: number;
  /** The proxy endpoint: `http://127.0.0.1:<port>/api/superfone/call`. */
  url: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
}

/** `superfone-proxy` from source, in its own process, with only the environment given; resolves once it listens. */
export async function startCliProxy(env: Record<string, string>, args: string[] = []): Promise<CliProxy> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/cli.ts', ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), ...env },
  });
  let output = '';
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`superfone-proxy exited ${code}: ${output}`)));
  });
  return { child, port, url: `http://127.0.0.1:${port}/api/superfone/call`, output: () => output };
}

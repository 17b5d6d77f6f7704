import { type ChildProcess, spawn } from 'node:child_process';

import { freePort } from './free-port.js';

export interface CliProxy {
  child: ChildProcess;
  port: number;
  /** The proxy endpoint: `http://127.0.0.1:<port>/api/superfone/call`. */
  url: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /**
   * Resolves once its output matches `pattern`, or rejects after `timeoutMs`: what it
   * prints arrives on pipes of its own, after the answer that caused it.
   */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

/**
 * `superfone-proxy` in its own process, with only the environment given; resolves once it
 * listens. From source unless `script` names the built binary (a packed tarball's).
 */
export async function startCliProxy(env: Record<string, string>, args: string[] = [], script = 'src/server/cli/cli.ts', options: { fileLimit?: number } = {}): Promise<CliProxy> {
  const port = await freePort();
  const command = [process.execPath, ...(script.endsWith('.ts') ? ['--import', 'tsx'] : []), script, ...args];
  // With a file limit, through a shell that sets it and then becomes node (the pid stays node's).
  const [file, ...rest] = options.fileLimit ? ['/bin/sh', '-c', `ulimit -n ${options.fileLimit} && exec "$0" "$@"`, ...command] : command;
  const child = spawn(file!, rest, {
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
  const waitForOutput = async (pattern: RegExp, timeoutMs = 3_000) => {
    const deadline = performance.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (performance.now() > deadline) throw new Error(`superfone-proxy did not print ${pattern} within ${timeoutMs} ms: ${output.slice(-500)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { child, port, url: `http://127.0.0.1:${port}/api/superfone/call`, output: () => output, waitForOutput };
}

// Which handler a server hands a request to, by its path: one rule for every server this
// package starts or plugs into (the CLI, the Vite plugin, the simulator's server, the
// browser tests' server). Nothing is stripped from the URL: each handler sees the path the
// client sent, so a route means the same wherever it is mounted.

/** A request target's path, without its query; never throws, whatever the target (`//`, `*`). */
export function targetPath(target: string | undefined): string {
  const path = (target ?? '/').split('?', 1)[0]!;
  return path.startsWith('/') ? path : '/';
}

/**
 * Handlers at path prefixes. A request goes to the longest prefix that is its path or
 * ends where one of its segments does (`/api/superfone` takes `/api/superfone/call`, never
 * `/api/superfonex`); `undefined` when none does.
 */
export function mounts<H>(table: Iterable<readonly [prefix: string, handler: H]>): (path: string) => H | undefined {
  const sorted = [...table].map(([prefix, handler]) => [prefix.replace(/\/+$/, ''), handler] as const).sort(([a], [b]) => b.length - a.length);
  // A prefix of '/' is '' here, and takes every path.
  return (path) => sorted.find(([prefix]) => path === prefix || path.startsWith(prefix + '/'))?.[1];
}

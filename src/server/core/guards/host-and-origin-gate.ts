// The proxy's host and origin policies as one check, for routes served beside the proxy
// (the simulator's controls under --simulate) that must admit no one the proxy would not.
import type { ProxyFailure } from '../responses.js';
import { checkHost, createHostPolicy } from './host-policy.js';
import { checkOrigin, parseAllowedOrigin } from './origin-policy.js';

/** Refuses what the proxy refuses from its request line and headers: a foreign `Host`, then a foreign `Origin`. `null` admits. */
export function hostAndOriginGate(options: { allowedOrigins?: string[]; allowedHosts?: string[] }): (request: Request) => ProxyFailure | null {
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map(parseAllowedOrigin));
  const hosts = createHostPolicy(options.allowedHosts ?? [], allowedOrigins);
  return (request) => {
    const url = new URL(request.url);
    const host = checkHost(request, url, hosts);
    if (host) return host;
    const origin = checkOrigin(request, url, allowedOrigins, hosts);
    return origin.ok ? null : origin.failure;
  };
}

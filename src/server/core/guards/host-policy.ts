import type { ProxyFailure } from '../responses.js';

/**
 * The names this proxy answers to. A page whose own name was rebound to the proxy's
 * address (DNS rebinding) sends its own name in `Host`, so only a request whose `Host` is
 * one of ours can be "same origin"; everything else is refused before any other check.
 */
export interface HostPolicy {
  allows(hostname: string): boolean;
}

const IPV4_LOOPBACK = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** A name only this machine answers to. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || IPV4_LOOPBACK.test(hostname) || hostname === '[::1]' || hostname.startsWith('[::ffff:7f');
}

/** `Crm.Example.com.` and `crm.example.com` are one name. */
function canonical(hostname: string): string {
  return hostname.toLowerCase().replace(/\.$/, '');
}

/** Checks one configured host: a name or address, or `.example.com` for it and every subdomain. */
export function parseAllowedHost(value: string): string {
  const trimmed = value.trim().toLowerCase();
  const name = trimmed.startsWith('.') ? trimmed.slice(1) : trimmed;
  let url: URL | null = null;
  try {
    url = new URL(`http://${name}`);
  } catch {
    // reported below
  }
  if (trimmed.includes('*') || !url || url.hostname !== canonical(name) || url.port !== '') {
    throw new TypeError(`allowedHosts: "${value}" is not a host name such as crm.example.com or .example.com (no scheme, port, path or wildcard).`);
  }
  return trimmed;
}

/** Loopback, the hosts of the allowed origins, and the hosts listed. */
export function createHostPolicy(allowedHosts: readonly string[], allowedOrigins: Iterable<string>): HostPolicy {
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const host of allowedHosts.map(parseAllowedHost)) {
    if (host.startsWith('.')) suffixes.push(host);
    exact.add(host.replace(/^\./, ''));
  }
  // An extension's origin names no host anyone can send a request to.
  for (const origin of allowedOrigins) if (!isExtensionOrigin(origin)) exact.add(new URL(origin).hostname);
  return {
    allows(hostname) {
      const name = canonical(hostname);
      return isLoopback(name) || exact.has(name) || suffixes.some((suffix) => name.endsWith(suffix));
    },
  };
}

/** A browser extension's origin (its pages and service worker call from it), which `URL` gives as `null`. */
export function isExtensionOrigin(origin: string): boolean {
  return /^(chrome-extension|moz-extension|safari-web-extension):\/\/[a-z\d-]+$/i.test(origin);
}

/** A `Host` header as RFC 9110 has it: a name or an address, and perhaps a port. */
export function isWellFormedHost(host: string): boolean {
  return /^[\w.-]+(:\d{1,5})?$|^\[[\da-f:.]+\](:\d{1,5})?$/i.test(host) && URL.canParse(`http://${host}`);
}

/**
 * The host names a request was sent to: its URL's (what the platform says) and its `Host`
 * header's (what the client said), which agree except where a platform rewrites one;
 * `null` when the header is malformed.
 */
export function requestHostnames(request: Request, url: URL): string[] | null {
  const names = [url.hostname];
  const header = request.headers.get('host');
  // Where the URL was made from the header (the Node adapter), it has been parsed already.
  if (header !== null && header !== url.host) {
    if (!isWellFormedHost(header)) return null;
    names.push(new URL(`http://${header}`).hostname);
  }
  return names;
}

export function checkHost(request: Request, url: URL, policy: HostPolicy): ProxyFailure | null {
  const hostnames = requestHostnames(request, url);
  if (hostnames === null) {
    // Fetch joins repeated headers with a comma, which no host name has; RFC 9112 makes a second Host line a 400.
    const repeated = request.headers.get('host')?.includes(',');
    return { code: 'bad_request', message: repeated ? 'The request has more than one Host header.' : 'The request’s Host header is malformed.', kind: 'malformed' };
  }
  const stranger = hostnames.find((hostname) => !policy.allows(hostname));
  if (stranger === undefined) return null;
  const shown = stranger.length > 80 ? 'this address' : stranger;
  return {
    code: 'forbidden',
    message: `This call service does not answer at ${shown}. Open the CRM from its usual address, or ask your administrator to add ${shown} to allowedHosts.`,
    kind: 'host',
  };
}

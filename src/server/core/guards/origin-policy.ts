import type { ProxyFailure } from '../responses.js';
import { type HostPolicy, isExtensionOrigin } from './host-policy.js';

export type OriginVerdict = { ok: true; corsOrigin: string | null } | { ok: false; failure: ProxyFailure };

function refuse(what: string): OriginVerdict {
  return {
    ok: false,
    failure: { code: 'forbidden', message: `Calls from ${what} are not allowed. Open the CRM from its usual address.`, detail: { refused: 'origin' }, kind: 'origin' },
  };
}

function originHostname(origin: string): string | null {
  try {
    return new URL(origin).hostname;
  } catch {
    return null;
  }
}

/**
 * Who may call: the proxy's own origin, and the origins listed exactly. No wildcards, no
 * reflected unknown origin, `null` refused; a cross-site request without an allowed
 * origin never reaches Superfone. "Own origin" is only ever a host the proxy answers to,
 * whatever `Sec-Fetch-Site` says: after DNS rebinding a hostile page is same-origin too.
 */
export function checkOrigin(request: Request, url: URL, allowedOrigins: ReadonlySet<string>, hosts: HostPolicy): OriginVerdict {
  const origin = request.headers.get('origin');
  const fetchSite = request.headers.get('sec-fetch-site');
  if (origin !== null) {
    if (allowedOrigins.has(origin)) return { ok: true, corsOrigin: origin };
    if (origin === 'null') return refuse('an opaque origin (null)');
    const hostname = originHostname(origin);
    const ownHost = hostname !== null && hosts.allows(hostname);
    const sameOrigin = ownHost && (fetchSite === 'same-origin' || (fetchSite === null && origin === url.origin));
    if (sameOrigin) return { ok: true, corsOrigin: null };
    return refuse(origin.length > 80 ? 'another site' : origin);
  }
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') return refuse('another site');
  // No Origin and no cross-site marker: a same-origin browser request or a server-side client.
  return { ok: true, corsOrigin: null };
}

/** Checks one configured origin: scheme and host, no path, no wildcard; or a browser extension's. */
export function parseAllowedOrigin(value: string): string {
  const trimmed = value.trim();
  if (trimmed.includes('*')) throw new TypeError(`allowedOrigins: "${trimmed}" has a wildcard; list each origin exactly.`);
  if (isExtensionOrigin(trimmed.replace(/\/$/, ''))) return trimmed.replace(/\/$/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new TypeError(`allowedOrigins: "${trimmed}" is not an origin such as https://crm.example.com.`);
  }
  if (url.origin === 'null' || url.origin !== trimmed.replace(/\/$/, '')) {
    throw new TypeError(`allowedOrigins: "${trimmed}" is not an origin such as https://crm.example.com (no path, no trailing parts).`);
  }
  return url.origin;
}

import type { ProxyAnswer } from './proxy-message.js';

/**
 * CORS for the proxy's routes, in one place. Every name is lower-case, as answers keep
 * them, so no header can go out twice: Chromium refuses an `Access-Control-Allow-Origin`
 * that holds two values, even two equal ones.
 */

/** What a page may send: calls are POSTed as JSON (with a token where one is used); followed calls are read with GET. */
const ALLOWED = {
  call: { methods: 'POST', headers: 'Content-Type, Authorization' },
  // A resumed stream sends `Last-Event-ID`.
  follow: { methods: 'GET', headers: 'Last-Event-ID, Authorization' },
  // Read with GET, dismissed with a POST that has no body; both carry the sign-in token.
  missed: { methods: 'GET, POST', headers: 'Authorization, Last-Event-ID' },
} as const;

export type CorsRoute = keyof typeof ALLOWED;

/** How long a browser may reuse a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE_SEC = '600';

/**
 * The grant an allowed cross-origin caller gets on every answer, errors included: a page
 * that cannot read a refusal only sees a network error. `Retry-After` is exposed so the
 * page can say how long to wait after a `429` or a `503`.
 */
export function corsGrant(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': 'Retry-After',
    vary: 'Origin',
  };
}

/** The answer to a preflight from an allowed origin; the grant itself is added with every answer's. */
export function preflightAnswer(route: CorsRoute): ProxyAnswer {
  const allowed = ALLOWED[route];
  return {
    status: 204,
    headers: {
      'access-control-allow-methods': allowed.methods,
      'access-control-allow-headers': allowed.headers,
      'access-control-max-age': PREFLIGHT_MAX_AGE_SEC,
    },
    body: null,
  };
}

/** Adds the grant to an answer, replacing whatever it held under the same names in any case. */
export function withCorsGrant(answer: ProxyAnswer, grant: Record<string, string> | null): ProxyAnswer {
  if (!grant) return answer;
  for (const name of Object.keys(answer.headers)) {
    if (name.toLowerCase() in grant && !(name in grant)) delete answer.headers[name];
  }
  Object.assign(answer.headers, grant);
  return answer;
}

import { CALL_ID_PATTERN } from '../../shared/protocol.js';

/** The folder the routes share: `/api/superfone/call` → `/api/superfone/`. */
function routesFolder(callPath: string): string {
  return callPath.replace(/[^/]*$/, '');
}

/** Where Superfone delivers notifications, beside the calls' path: `/api/superfone/webhook`. */
export function webhookPath(callPath: string): string {
  return `${routesFolder(callPath)}webhook`;
}

/** What a request asks for, by its path. */
export type Route =
  | { kind: 'call' }
  | { kind: 'webhook' }
  | { kind: 'whoami' }
  | { kind: 'status'; callId: string }
  | { kind: 'events'; callId: string }
  | { kind: 'not-found'; message: string };

/**
 * The proxy's routes, all in one folder beside the calls' path:
 *
 *     POST …/call                   a page's START or END
 *     POST …/webhook                Superfone's call notifications
 *     POST …/whoami                 who a caller would call as (a setup check; places nothing)
 *     GET  …/calls/<callId>         a followed call's status
 *     GET  …/calls/<callId>/events  the same, as Server-Sent Events
 *
 * With `callPath` (`/api/superfone/call`) the folder is fixed and anything else is `404`.
 * Without it, where a framework mounts the handler at a path of its own, the routes are
 * told by their last segments and everything else is a call.
 */
export function createRouter(callPath: string | undefined): (pathname: string) => Route {
  const folder = callPath === undefined ? undefined : routesFolder(callPath);
  const followed = (rest: string): Route | null => {
    const match = /^calls\/([^/]*)(\/events)?\/?$/.exec(rest);
    if (!match) return null;
    // Malformed ids are answered like unknown ones: there is no call to follow.
    const callId = CALL_ID_PATTERN.test(match[1]!) ? match[1]! : '';
    return match[2] ? { kind: 'events', callId } : { kind: 'status', callId };
  };
  return (pathname) => {
    if (callPath === undefined || folder === undefined) {
      if (/\/webhook\/?$/.test(pathname)) return { kind: 'webhook' };
      if (/\/whoami\/?$/.test(pathname)) return { kind: 'whoami' };
      const tail = /(?:^|\/)(calls\/[^/]*(?:\/events)?\/?)$/.exec(pathname)?.[1];
      return (tail && followed(tail)) || { kind: 'call' };
    }
    if (pathname === callPath) return { kind: 'call' };
    if (pathname.startsWith(folder)) {
      const rest = pathname.slice(folder.length);
      if (rest === 'webhook') return { kind: 'webhook' };
      if (rest === 'whoami') return { kind: 'whoami' };
      const route = followed(rest);
      if (route) return route;
    }
    return { kind: 'not-found', message: `Not found; the call service is at ${callPath}.` };
  };
}
